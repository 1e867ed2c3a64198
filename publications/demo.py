"""Demo content for publications: readable data first, a small idempotent loader at the end.

Written for PolicyHub's local demo. The North Korea pieces draw on the facts of public articles
but every sentence here is our own; the other authors and pieces are fictional.
"""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from policyhub.editorial.richtext import RichTextField, sanitize_html

from .models import (
    Authorship,
    Person,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    Topic,
)

PUBLICATION_TYPES = [
    {
        "slug": "analysis-and-commentary",
        "name": "Analysis and Commentary",
        "description": "Short, timely pieces by our experts on events as they unfold.",
    },
    {
        "slug": "special-report",
        "name": "Special Report",
        "description": "In-depth, peer-reviewed research with findings and recommendations.",
    },
    {
        "slug": "policy-brief",
        "name": "Policy Brief",
        "description": "A concise argument for one course of action, written for policymakers.",
    },
]

TOPICS = [
    {
        "slug": "mediation-negotiation-dialogue",
        "name": "Mediation, Negotiation & Dialogue",
        "description": "How parties in conflict come to the table and what keeps them there.",
    },
    {
        "slug": "conflict-analysis-prevention",
        "name": "Conflict Analysis & Prevention",
        "description": "Reading the signs of violent conflict early and acting on them.",
    },
    {
        "slug": "democracy-governance",
        "name": "Democracy & Governance",
        "description": "Institutions, accountability and the space citizens have to organise.",
    },
    {
        "slug": "economics-environment",
        "name": "Economics & Environment",
        "description": "Livelihoods, natural resources and climate as drivers of peace or war.",
    },
    {
        "slug": "humanitarian-assistance",
        "name": "Humanitarian Assistance",
        "description": "Getting aid to people in need, and the politics that stand in the way.",
    },
    {
        "slug": "nonproliferation-arms-control",
        "name": "Nonproliferation & Arms Control",
        "description": "Limiting the spread and use of weapons of mass destruction.",
    },
    {
        "slug": "peace-processes",
        "name": "Peace Processes",
        "description": "Negotiated settlements, from first contacts to implementation.",
    },
]

# Parents before children.
REGIONS = [
    {"slug": "asia", "name": "Asia", "parent": None},
    {"slug": "north-korea", "name": "North Korea", "parent": "asia"},
    {"slug": "south-korea", "name": "South Korea", "parent": "asia"},
    {"slug": "japan", "name": "Japan", "parent": "asia"},
    {"slug": "africa", "name": "Africa", "parent": None},
    {"slug": "sahel", "name": "Sahel", "parent": "africa"},
    {"slug": "americas", "name": "Americas", "parent": None},
    {"slug": "colombia", "name": "Colombia", "parent": "americas"},
]

PEOPLE = [
    {
        "slug": "daniel-jasper",
        "name": "Daniel Jasper",
        "role": "Asia public education and advocacy coordinator",
        "affiliation": "American Friends Service Committee",
        "bio": (
            "Daniel Jasper leads public education and advocacy on Asia for the American Friends "
            "Service Committee, a Quaker organisation with a long record of humanitarian work "
            "in North Korea. He writes about diplomacy, engagement and peacebuilding on the "
            "Korean Peninsula."
        ),
    },
    {
        "slug": "frank-aum",
        "name": "Frank Aum",
        "role": "Senior expert on North Korea",
        "affiliation": "U.S. Institute of Peace",
        "bio": (
            "Frank Aum follows North Korea's weapons programmes, inter-Korean relations and the "
            "U.S. alliances in Northeast Asia, drawing on earlier work on Korea policy in the "
            "U.S. government."
        ),
    },
    {
        "slug": "anthony-navone",
        "name": "Anthony Navone",
        "role": "Researcher",
        "affiliation": "",
        "bio": (
            "Anthony Navone studies North Korea's economy and society, with a focus on informal "
            "markets and the social networks that grow around them."
        ),
    },
    {
        "slug": "benjamin-r-young",
        "name": "Benjamin R. Young",
        "role": "Historian of North Korea's foreign relations",
        "affiliation": "",
        "bio": (
            "Benjamin R. Young researches North Korea's ties with the Global South, from Cold "
            "War solidarity to the trade networks that help Pyongyang work around sanctions."
        ),
    },
    {
        "slug": "markus-garlauskas",
        "name": "Markus Garlauskas",
        "role": "Former U.S. national intelligence officer for North Korea",
        "affiliation": "",
        "bio": (
            "Markus Garlauskas spent years assessing North Korea's military and strategy inside "
            "the U.S. government and now writes on deterrence and security in Northeast Asia."
        ),
    },
    {
        "slug": "ingrid-solberg",
        "name": "Ingrid Solberg",
        "role": "Humanitarian access adviser",
        "affiliation": "Northeast Asia Humanitarian Forum (fictional)",
        "bio": (
            "Ingrid Solberg has negotiated aid deliveries in closed and sanctioned countries for "
            "fifteen years. She is a fictional author created for this demo."
        ),
    },
    {
        "slug": "harold-brandt",
        "name": "Harold Brandt",
        "role": "Senior fellow, nonproliferation",
        "affiliation": "Pacific Policy Lab (fictional)",
        "bio": (
            "Harold Brandt follows sanctions enforcement and export controls. He is a fictional "
            "author created for this demo, to give the argument against early relief a voice."
        ),
    },
    {
        "slug": "min-ji-kwon",
        "name": "Min-ji Kwon",
        "role": "Senior fellow, sanctions policy",
        "affiliation": "Pacific Policy Lab (fictional)",
        "bio": (
            "Min-ji Kwon works on the design of sanctions and on how to unwind them without "
            "losing leverage. She is a fictional author created for this demo."
        ),
    },
    {
        "slug": "tomas-ferreira",
        "name": "Tomás Ferreira",
        "role": "Former political affairs officer",
        "affiliation": "Independent (fictional)",
        "bio": (
            "Tomás Ferreira spent two decades in multilateral diplomacy, including mediation "
            "support work. He is a fictional author created for this demo."
        ),
    },
    {
        "slug": "aissata-kone",
        "name": "Aïssata Koné",
        "role": "Climate and security researcher",
        "affiliation": "Sahel Futures Network (fictional)",
        "bio": (
            "Aïssata Koné studies how drought, land and livelihoods shape conflict in the "
            "central Sahel. She is a fictional author created for this demo."
        ),
    },
    {
        "slug": "lucia-restrepo",
        "name": "Lucía Restrepo",
        "role": "Peace process analyst",
        "affiliation": "Andean Dialogue Project (fictional)",
        "bio": (
            "Lucía Restrepo has followed Colombia's peace negotiations since the Havana talks. "
            "She is a fictional author created for this demo."
        ),
    },
]


def _at(year, month, day, hour=14):
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


MAIN_BODY = """
<p>Washington's review of its North Korea policy is close to done, and the early signals point
to a familiar destination: more pressure. That would be a mistake. Decades of isolation have
rested on two assumptions that keep failing: that Pyongyang will bend if squeezed hard enough,
and that Beijing will help squeeze. Neither has held.</p>

<h2>Engagement as a security strategy</h2>
<p>The starting point has to be the North Korea that exists, not the one we wish for: insecure,
armed with nuclear weapons, and in no hurry to give them up. Deterrence stays essential, and
denuclearization remains the right long-term aim. But a realistic security policy would also
multiply the ways Americans and North Koreans deal with each other.</p>
<p>More contact, at both governmental and nongovernmental levels, pays off in concrete ways.
Each side learns what the other actually wants and fears. Misreadings that could escalate into
a crisis become less likely. Trust can accumulate slowly, and North Korea gains reasons to behave
as a more stable, connected member of the international community.</p>

<h2>Signal a new relationship first</h2>
<p>Pyongyang has already brushed off a cautious offer of talks. A passive invitation will not
move it; a visible commitment to a new, peaceful relationship might. Washington could begin by
reaffirming the 2018 Singapore joint statement, which Kim Jong Un signed and has never
disavowed, and by saying it is open to formally declaring the Korean War over.</p>
<p>Gestures that cost the alliance nothing in deterrence would add weight: partial relief from
sanctions, and a pause in deploying U.S. strategic assets to the peninsula. Offered without
preconditions, such steps give North Korea a reason to return to the table and settle on an
interim deal that freezes its nuclear programme. Liaison offices in both capitals would then
keep diplomacy alive between summits.</p>

<h2>A channel between the militaries</h2>
<p>An interim deal would do more than lay groundwork for talks on peace and denuclearization; it
would make room for security engagement beyond the usual diplomatic and intelligence contacts.
The Pentagon could offer direct talks with the Korean People's Army. The old military meetings
at the demilitarized zone dealt with the mechanics of the armistice and have lapsed. Talks at a
senior policy level could aim higher: understanding how the KPA thinks, giving it a stake in
diplomacy, exploring mutual force reductions and lowering the risk of an accidental war.</p>

<h2>Humanitarian and people-to-people ties</h2>
<p>Outside government, the easiest gains are humanitarian and personal, and they should be
pursued now. The secretary of state has the power to lift the ban on Americans travelling to
North Korea. Once the country reopens after its pandemic lockdown, that step would let private
aid groups reach people whose needs have been growing. It would also make reunions possible
between Korean Americans and relatives they have not seen since the war divided their
families.</p>
<p>Many families of the roughly 5,300 U.S. service members still missing in North Korea want
recovery missions for their remains to restart. Legislation before Congress takes up these
issues and would also clear sanctions-related obstacles that slow aid. Easing visa rules for
the few North Koreans who visit the United States would open further doors, from the State
Department's International Visitor Leadership Program to academic, scientific, sporting and
cultural exchanges run by private groups.</p>

<h2>Economic, energy and environmental cooperation</h2>
<p>North Korea resists sweeping economic reform, yet it has tolerated markets and experimented
with joint ventures and special zones such as the Kaesong industrial park and the Mount Kumgang
tourist resort. Outside groups like Singapore's Choson Exchange have trained aspiring North
Korean entrepreneurs, many of them women, in business, law and economic policy. Economic
cooperation, from development aid to technical help with accounting standards and business
practice, would raise living standards, support stability and ease the country's path into the
world economy.</p>
<p>Energy and the environment offer similar openings. Sanctions on oil and a weak economy leave
North Korea short of power and dependent on coal and synthetic gas, while it tries to expand
wind, hydroelectric and nuclear generation. It is replanting forests and investing in disaster
risk reduction as floods, droughts and typhoons grow harsher. Its mountains hold large mineral
deposits, possibly including the world's biggest reserves of rare earth elements. Joint work in
these fields could benefit both countries, but sanctions would have to be addressed first.</p>

<h2>Using the United Nations</h2>
<p>The United States mostly brings North Korea to the U.N. to punish it: at the Security Council
after a weapons test, or at the Human Rights Council to condemn abuses. The organisation can do
much more. It has the expertise to run exchanges and training and to offer quiet support when
negotiations stall. Staff of the U.N. Secretariat often serve far longer than their national
counterparts, carrying institutional memory that can bridge changes of administration and
personnel.</p>

<h2>Different tracks, different clocks</h2>
<p>Not every form of engagement serves the same purpose or works on the same timetable. A quick
freeze on nuclear and missile activity, matched by restraint in U.S. deployments, would bring
immediate benefits to both sides and could unlock wider negotiations. People-to-people contact
works more slowly and person by person, but its effects compound over time. Humanitarian aid
links the two, meeting individual needs while laying a foundation for diplomacy. Peace is a
process, and every strand of engagement should add to the others, easing threat perceptions and
building habits of cooperation.</p>
"""

PUBLICATIONS = [
    {
        "slug": "enhancing-engagement-with-north-korea",
        "title": "Enhancing Engagement with North Korea",
        "type": "analysis-and-commentary",
        "published_at": _at(2021, 4, 22),
        "featured": True,
        "authors": ["daniel-jasper"],
        "topics": ["mediation-negotiation-dialogue", "conflict-analysis-prevention"],
        "regions": ["north-korea"],
        "tags": [
            "North Korea",
            "DPRK",
            "sanctions",
            "engagement",
            "diplomacy",
            "humanitarian aid",
            "denuclearization",
            "Korean War",
            "people-to-people exchange",
            "United Nations",
            "Singapore summit",
            "family reunions",
            "U.S. foreign policy",
        ],
        "summary": (
            "Pressure alone has not changed Pyongyang's course. A wider web of governmental and "
            "nongovernmental contact, from an interim nuclear freeze and defense talks to "
            "humanitarian access, family reunions and U.N. support, would serve U.S. security "
            "better."
        ),
        "body": MAIN_BODY,
        "hero_alt": "National flags, North Korea's among them, hanging at an ice rink.",
        "hero_caption": (
            "North Korea's flag hangs beside those of other countries at a figure skating "
            "competition in Oberstdorf, Germany, in September 2017."
        ),
        "hero_credit": "Jun Michael Park/The New York Times",
        "source_note": "Adapted from an article originally published by 38 North.",
        "source_url": "https://www.38north.org/",
        "related": [
            "making-sense-of-north-koreas-missile-test",
            "markets-and-civil-society-in-north-korea",
            "north-korea-in-africa",
            "time-to-get-real-on-north-korea",
        ],
    },
    {
        "slug": "making-sense-of-north-koreas-missile-test",
        "title": "Making Sense of North Korea's Missile Test",
        "type": "analysis-and-commentary",
        "published_at": _at(2021, 9, 14),
        "authors": ["frank-aum"],
        "topics": ["conflict-analysis-prevention", "mediation-negotiation-dialogue"],
        "regions": ["north-korea", "south-korea", "japan"],
        "tags": ["North Korea", "missiles", "arms race", "deterrence", "diplomacy"],
        "summary": (
            "Pyongyang says it has tested a long-range cruise missile it calls a strategic "
            "weapon. What the test means for South Korea and Japan, for the arms race on the "
            "peninsula, and for Washington's offer of talks."
        ),
        "body": """
<p>On September 13, North Korean state media reported that the country had tested new
long-range cruise missiles over the preceding weekend, and described them as a strategic
weapon of great importance. The announcement rattled Seoul and Tokyo: both U.S. allies now lie
within reach of a low-flying missile that is harder to detect than a ballistic one. Washington,
for its part, said it was still ready to talk.</p>
<h2>What was tested, and why it matters</h2>
<p>Cruise missiles fly low and can change course, which complicates missile defense. Calling
them strategic hints that Pyongyang may intend to arm them with nuclear warheads. Even if that
capability is some way off, the test shows steady progress on the weapons plan North Korea set
out at its party congress in January.</p>
<h2>An arms race on the peninsula</h2>
<p>North Korea is not building alone. South Korea is expanding its own missile forces, and each
side points to the other to justify the next step. Without talks, this action-reaction cycle is
likely to speed up, and the margin for miscalculation will shrink.</p>
<h2>Reading the signal</h2>
<p>The test avoided the long-range ballistic launches that would provoke the strongest response,
which suggests Kim Jong Un is raising pressure while keeping the door to diplomacy ajar. The
United States should keep its offer of talks open and give it substance: a freeze on testing in
exchange for concrete steps from Washington would be a reasonable place to start.</p>
""",
    },
    {
        "slug": "markets-and-civil-society-in-north-korea",
        "title": "Can Markets Help Foster Civil Society in North Korea?",
        "type": "analysis-and-commentary",
        "published_at": _at(2021, 2, 24, 15),
        "authors": ["anthony-navone"],
        "topics": ["democracy-governance", "economics-environment"],
        "regions": ["north-korea"],
        "tags": ["North Korea", "markets", "civil society", "economy"],
        "summary": (
            "Informal markets born of the 1990s famine have grown into networks that give "
            "North Koreans a small, unprecedented space of their own. How far can it grow?"
        ),
        "body": """
<p>When North Korea's planned economy broke down in the 1990s, the state could no longer feed
its people. The famine that followed, remembered as the Arduous March, pushed ordinary citizens
to trade whatever they had in informal markets simply to survive.</p>
<h2>From survival to system</h2>
<p>The government first tolerated this trade because it had no alternative. Over the next two
decades the markets grew in size and sophistication. Traders built supply chains, credit
arrangements and information networks that operate largely outside official control.</p>
<h2>A public sphere in the making</h2>
<p>These networks are not civil society as the term is understood elsewhere, but they show
early signs of a semi-autonomous public space that North Korea has never had. People meet,
exchange news and rely on one another rather than on the state. Outside engagement that
supports livelihoods, such as training in business skills, could help that space endure. The
authorities can still crack down, and they periodically do, so change will be slow and
uneven.</p>
""",
    },
    {
        "slug": "north-korea-in-africa",
        "title": (
            "North Korea in Africa: Historical Solidarity, China's Role, and Sanctions Evasion"
        ),
        "type": "special-report",
        "published_at": _at(2021, 2, 24, 12),
        "authors": ["benjamin-r-young"],
        "topics": ["democracy-governance", "nonproliferation-arms-control"],
        "regions": ["north-korea", "africa"],
        "tags": ["North Korea", "Africa", "China", "sanctions", "sanctions evasion"],
        "summary": (
            "Pyongyang's partnerships in Africa rest on decades of ideological kinship, not "
            "only on money and arms. China's tolerance of illicit trade keeps them profitable "
            "and helps the regime weather sanctions."
        ),
        "body": """
<p>North Korea is often treated as isolated, yet many African governments find it a useful
partner. This report looks beyond the arms deals and construction contracts to the older ties
that make those deals possible.</p>
<h2>Solidarity with roots in the Cold War</h2>
<p>In the era of decolonisation Pyongyang presented itself as a fellow anti-imperialist. It
trained soldiers, sent advisers and built monuments across the continent, and study groups on
its Juche ideology sprang up in several capitals. Those memories still colour how some African
leaders see North Korea today.</p>
<h2>China's part</h2>
<p>China has looked the other way as North Korean networks traded weapons and ivory through
African and Chinese ports. The earnings likely help fund the nuclear programme and soften the
bite of international sanctions.</p>
<h2>What it means for sanctions</h2>
<p>The report's account shows how much of the sanctions regime's weakness lies outside the
peninsula: in ports, shipping registries and payment channels far from Pyongyang, and in
relationships with African governments that are decades older than the sanctions themselves.</p>
""",
    },
    {
        "slug": "time-to-get-real-on-north-korea",
        "title": "It's Time to Get Real on North Korea",
        "type": "analysis-and-commentary",
        "published_at": _at(2021, 2, 9),
        "authors": ["markus-garlauskas"],
        "topics": ["mediation-negotiation-dialogue", "nonproliferation-arms-control"],
        "regions": ["north-korea"],
        "tags": ["North Korea", "deterrence", "sanctions", "China", "U.S. foreign policy"],
        "summary": (
            "Threats and summits alike relied on Beijing to pressure Pyongyang into giving up "
            "its weapons. That failed. The new administration needs a pragmatic policy that "
            "counters the threat first and plays a longer game."
        ),
        "body": """
<p>Only weeks after Kim Jong Un promised a major expansion of his nuclear arsenal, the new
administration has begun reviewing U.S. policy toward North Korea. It is time for a reality
check.</p>
<h2>Old policy, new packaging</h2>
<p>The previous administration's threats and summits attracted attention, but underneath they
repeated a decades-old bet: that China would lean on North Korea until it surrendered its
nuclear programme. The bet failed once more, and North Korea's capabilities kept growing.</p>
<h2>Counter the threat first</h2>
<p>A pragmatic policy would start with what can be controlled: strong deterrence, close
coordination with Seoul and Tokyo, and readiness to manage a crisis without stumbling into war.
Diplomacy remains worth pursuing, but it has to rest on an honest reading of how far North
Korea's capabilities have already come.</p>
<h2>A longer game</h2>
<p>Stability now does not mean giving up on change later. Over time, the United States can
encourage fundamental change inside North Korea, for example by widening its people's access
to outside information, while making sure the threat never outpaces the defense against it.</p>
""",
    },
    {
        "slug": "reopening-humanitarian-access",
        "title": "Reopening Humanitarian Access to North Korea",
        "type": "policy-brief",
        "published_at": _at(2022, 6, 8),
        "authors": ["ingrid-solberg"],
        "topics": ["humanitarian-assistance"],
        "regions": ["north-korea"],
        "tags": ["North Korea", "humanitarian aid", "travel ban", "COVID-19"],
        "summary": (
            "Aid agencies left North Korea when its borders closed in 2020. Lifting the U.S. "
            "travel ban now would let them return quickly once the borders reopen."
        ),
        "body": """
<p>By early 2021 almost every international aid worker had left North Korea, shut out by one
of the world's strictest pandemic border closures. Needs did not shrink in their absence:
food insecurity, gaps in medical supplies and the effects of floods all grew harder to
track.</p>
<h2>Why the travel ban matters</h2>
<p>U.S. citizens may not use their passports to travel to North Korea without a special
validation, granted case by case. For American aid groups each trip becomes a paperwork
exercise, and staff rotations that other agencies take for granted become impossible. Lifting
the restriction would remove the single largest U.S.-made obstacle to humanitarian work.</p>
<h2>What Washington should do</h2>
<p>The secretary of state should lift the travel ban, or at least exempt humanitarian workers
in advance, so that agencies are ready to go back the moment North Korea reopens. Treasury
should pair this with faster licensing for aid shipments. Neither step weakens deterrence;
both show that U.S. policy distinguishes between the government and the people.</p>
""",
    },
    {
        "slug": "the-case-against-early-sanctions-relief",
        "title": "The Case Against Early Sanctions Relief",
        "type": "policy-brief",
        "published_at": _at(2022, 4, 12),
        "authors": ["harold-brandt"],
        "topics": ["nonproliferation-arms-control"],
        "regions": ["north-korea"],
        "tags": ["North Korea", "sanctions", "sanctions relief", "sanctions evasion", "deterrence"],
        "summary": (
            "Relief offered before North Korea does anything spends leverage that cannot be "
            "rebuilt. Enforce the sanctions already on the books, and trade relief only for "
            "verified steps."
        ),
        "body": """
<p>Proposals to ease sanctions on North Korea as a goodwill gesture have returned with every new
round of diplomacy. The argument deserves a serious answer, and the answer is no: not before
Pyongyang moves first.</p>
<h2>Leverage is spent only once</h2>
<p>Pressure should stay in place until Pyongyang takes verifiable steps. Offering partial
sanctions relief up front would hand North Korea a reward it has not earned, and once partners
relax their enforcement it is very hard to tighten it again.</p>
<h2>Enforce what exists</h2>
<p>Much of the pressure has leaked away through evasion: ship-to-ship transfers, front companies
and overseas labour. Washington and its partners should tighten enforcement against these
networks before they debate loosening the rules.</p>
<h2>What relief should buy</h2>
<p>Relief has a place at the end of a sequence, as payment for a verified freeze or for
dismantlement, not as an opening gift.</p>
""",
    },
    {
        "slug": "sequencing-sanctions-relief",
        "title": "Sequencing Sanctions Relief: Small Steps That Keep Leverage",
        "type": "policy-brief",
        "published_at": _at(2022, 3, 16),
        "authors": ["min-ji-kwon"],
        "topics": ["nonproliferation-arms-control", "mediation-negotiation-dialogue"],
        "regions": ["north-korea"],
        "tags": ["North Korea", "sanctions", "sanctions relief", "diplomacy"],
        "summary": (
            "Relief does not have to be all or nothing. Targeted, reversible easing tied to "
            "verified steps can restart diplomacy without giving away the store."
        ),
        "body": """
<p>Sanctions on North Korea have grown into one of the most comprehensive regimes ever built.
They have not stopped the weapons programme, but they have made any negotiation harder to
begin, because Pyongyang treats relief as the price of admission and Washington treats it as
the final reward.</p>
<h2>Relief as a tool, not a prize</h2>
<p>A middle path exists. Partial sanctions relief, tied to specific and verifiable North Korean
steps, gives both sides something to show at home. Easing can start in areas with the least
military value, such as textile exports or civilian imports, and widen only as the other side
delivers.</p>
<h2>Keeping leverage</h2>
<p>Every easing step should carry a snapback clause, so that relief ends automatically if
commitments are broken. Humanitarian exemptions should be widened in any case, since they cost
no leverage at all. Sequenced this way, relief becomes a way to test intentions rather than a
gamble.</p>
""",
    },
    {
        "slug": "the-un-as-a-bridge-on-the-peninsula",
        "title": "The U.N. as a Bridge on the Korean Peninsula",
        "type": "special-report",
        "published_at": _at(2022, 10, 5),
        "authors": ["tomas-ferreira"],
        "topics": ["mediation-negotiation-dialogue", "peace-processes"],
        "regions": ["north-korea", "south-korea"],
        "tags": ["United Nations", "North Korea", "mediation", "diplomacy"],
        "summary": (
            "The United Nations is known on the peninsula for sanctions and censure. Its "
            "Secretariat could also carry messages, train officials and keep memory across "
            "changes of government."
        ),
        "body": """
<p>For most of the past two decades the United Nations has dealt with North Korea through the
Security Council's sanctions committee and the Human Rights Council's resolutions. Both have
their place, but neither builds the relationships that a settlement will eventually need.</p>
<h2>What the Secretariat can offer</h2>
<p>The Secretariat has skills that national governments find hard to supply. Its mediation
support staff can host quiet meetings, draft texts that neither side wants to table first and
run technical training on subjects from statistics to disaster management. Because its
officials often stay in post for many years, they remember what was tried before, an asset when
administrations in Washington or Seoul change.</p>
<h2>Recommendations</h2>
<p>Member states should give the Secretary-General a clear mandate to offer good offices on the
peninsula, fund technical exchanges with North Korean institutions, and use the Secretariat as a
standing channel when bilateral contacts go silent.</p>
""",
    },
    {
        "slug": "climate-security-in-the-sahel",
        "title": "Climate Security in the Sahel: Water, Land and Local Peace",
        "type": "policy-brief",
        "published_at": _at(2023, 3, 21),
        "authors": ["aissata-kone"],
        "topics": ["economics-environment", "conflict-analysis-prevention"],
        "regions": ["sahel"],
        "tags": ["climate change", "Sahel", "land", "conflict prevention"],
        "summary": (
            "Erratic rains and shrinking pasture are sharpening disputes between farmers and "
            "herders. Local agreements over land and water can stop them turning violent."
        ),
        "body": """
<p>Across the central Sahel, rainfall has become less predictable and the growing season
shorter. Farmers extend their fields into old grazing routes; herders move earlier and further
south. Where the state is weak, armed groups exploit the resulting disputes.</p>
<h2>Climate as a threat multiplier</h2>
<p>Climate change rarely causes conflict alone. It turns existing grievances over land,
justice and exclusion into flashpoints, and it strains the customary institutions that used to
settle them.</p>
<h2>What works</h2>
<p>Negotiated agreements on transhumance corridors, shared wells and the timing of harvests
have kept the peace in many communities. Donors should fund these local mechanisms directly,
link them to early-warning systems, and make sure women and young people have a seat at the
table.</p>
""",
    },
    {
        "slug": "lessons-from-colombias-peace-talks",
        "title": "Lessons from Colombia's Peace Talks",
        "type": "analysis-and-commentary",
        "published_at": _at(2023, 11, 2),
        "authors": ["lucia-restrepo"],
        "topics": ["peace-processes", "mediation-negotiation-dialogue"],
        "regions": ["colombia"],
        "tags": ["Colombia", "peace agreements", "transitional justice", "mediation"],
        "summary": (
            "The 2016 agreement with the FARC ended a half-century war. Its negotiation and "
            "its uneven implementation both hold lessons for negotiators elsewhere."
        ),
        "body": """
<p>Colombia's government and the FARC guerrillas signed a final peace agreement in 2016 after
four years of talks hosted in Havana. The deal has survived a referendum defeat, a revision and
changes of government, and it remains one of the most studied settlements of recent times.</p>
<h2>What the negotiators got right</h2>
<p>The parties agreed an agenda before they began, which kept talks from sprawling. Victims of
the conflict were invited to address the negotiators directly, giving the process a moral
weight that technical talks lack. A special justice system traded full confessions for reduced
sentences, an imperfect but workable compromise between peace and accountability.</p>
<h2>Where implementation lagged</h2>
<p>Rural reform and the protection of social leaders have moved far more slowly than promised,
and violence has persisted in areas the FARC left. The lesson is that an agreement is a
beginning: negotiators should plan and fund implementation with the same care they give the
text.</p>
""",
    },
    {
        "slug": "draft-family-reunions-brief",
        "title": "Bringing Korean American Families Together",
        "type": "policy-brief",
        "status": Publication.Status.DRAFT,
        "published_at": None,
        "authors": ["ingrid-solberg"],
        "topics": ["humanitarian-assistance"],
        "regions": ["north-korea"],
        "tags": ["family reunions", "North Korea"],
        "summary": "Draft: how a reunion programme for Korean American families could work.",
        "body": "<p>Work in progress. Not for publication.</p>",
    },
    {
        "slug": "scheduled-energy-cooperation-report",
        "title": "Power Shortages and Cooperation on the Korean Peninsula",
        "type": "special-report",
        "scheduled": True,
        "authors": ["min-ji-kwon"],
        "topics": ["economics-environment"],
        "regions": ["north-korea"],
        "tags": ["energy", "North Korea"],
        "summary": "Scheduled: North Korea's energy gap and what cooperation could achieve.",
        "body": "<p>Embargoed until the publish time.</p>",
    },
]


class Progress:
    """Counts what the loader did and prints a line per change, so a rerun shows "unchanged"."""

    def __init__(self, write=None):
        self.write = write or (lambda line: None)
        self.created = self.updated = self.unchanged = 0

    def record(self, obj, created, changed):
        label = f"{obj._meta.verbose_name} “{obj}”"
        if created:
            self.created += 1
            self.write(f"  created {label}")
        elif changed:
            self.updated += 1
            self.write(f"  updated {label} ({', '.join(changed)})")
        else:
            self.unchanged += 1


def _stored_form(model, name, value):
    """What the database will hold for ``value``: rich text is sanitised on save."""
    field = model._meta.get_field(name)
    if isinstance(field, RichTextField) and value:
        return sanitize_html(value.strip())
    if isinstance(value, str):
        return value.strip()
    return value


def upsert(model, progress, slug, **fields):
    """``update_or_create`` by slug that writes nothing when the row already matches."""
    fields = {name: _stored_form(model, name, value) for name, value in fields.items()}
    obj = model._default_manager.filter(slug=slug).first()
    if obj is None:
        obj = model._default_manager.create(slug=slug, **fields)
        progress.record(obj, created=True, changed=[])
        return obj
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save()
    progress.record(obj, created=False, changed=changed)
    return obj


def set_ordered(through, owner_field, owner, target_field, targets):
    """Make ``through`` rows for ``owner`` list exactly ``targets``, in order; no-op if they do."""
    rows = {
        getattr(row, f"{target_field}_id"): row
        for row in through.objects.filter(**{owner_field: owner})
    }
    wanted = [target.pk for target in targets]
    through.objects.filter(pk__in=[row.pk for pk, row in rows.items() if pk not in wanted]).delete()
    for order, target in enumerate(targets):
        row = rows.get(target.pk)
        if row is None:
            through.objects.create(**{owner_field: owner, target_field: target, "order": order})
        elif row.order != order:
            row.order = order
            row.save(update_fields=["order"])


def set_tags(obj, names):
    if sorted(tag.lower() for tag in obj.tags.names()) != sorted(name.lower() for name in names):
        obj.tags.set(names)


def load(write=None):
    """Create or update the publications demo; returns the Progress counts."""
    progress = Progress(write)
    types = {row["slug"]: upsert(PublicationType, progress, **row) for row in PUBLICATION_TYPES}
    topics = {row["slug"]: upsert(Topic, progress, **row) for row in TOPICS}
    regions = {}
    for row in REGIONS:
        parent = regions[row["parent"]] if row["parent"] else None
        regions[row["slug"]] = upsert(
            Region, progress, slug=row["slug"], name=row["name"], parent=parent
        )
    people = {row["slug"]: upsert(Person, progress, **row) for row in PEOPLE}

    publications = {}
    for row in PUBLICATIONS:
        published_at = row.get("published_at")
        if row.get("scheduled"):
            existing = Publication.objects.filter(slug=row["slug"]).first()
            # Keep an earlier run's future time so reruns change nothing.
            published_at = (
                existing.published_at
                if existing and existing.is_scheduled
                else timezone.now() + timedelta(days=30)
            )
        publication = upsert(
            Publication,
            progress,
            slug=row["slug"],
            title=row["title"],
            publication_type=types[row["type"]],
            status=row.get("status", Publication.Status.PUBLISHED),
            published_at=published_at,
            featured=row.get("featured", False),
            summary=row["summary"],
            body=row["body"],
            hero_alt=row.get("hero_alt", ""),
            hero_caption=row.get("hero_caption", ""),
            hero_credit=row.get("hero_credit", ""),
            source_note=row.get("source_note", ""),
            source_url=row.get("source_url", ""),
        )
        publication.topics.set([topics[slug] for slug in row["topics"]])
        publication.regions.set([regions[slug] for slug in row["regions"]])
        set_tags(publication, row["tags"])
        set_ordered(
            Authorship, "publication", publication, "person", [people[s] for s in row["authors"]]
        )
        publications[row["slug"]] = publication

    for row in PUBLICATIONS:
        set_ordered(
            RelatedPublication,
            "from_publication",
            publications[row["slug"]],
            "to_publication",
            [publications[slug] for slug in row.get("related", [])],
        )
    return progress
