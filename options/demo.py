"""Demo policy options: the engagement menu from "Enhancing Engagement with North Korea".

Readable data first, a small loader at the end. Every quote is a passage of the demo publication
it cites (see publications/demo.py), so the pages agree with each other.
"""

from datetime import UTC, date, datetime

from publications.demo import Progress, set_tags, upsert
from publications.models import Publication, Region

from .models import Actor, OptionSource, PolicyOption, PolicyQuestion, Track

MAIN = "enhancing-engagement-with-north-korea"
PUBLISHED_AT = datetime(2021, 4, 22, 14, 0, tzinfo=UTC)

QUESTION = {
    "slug": "how-should-washington-engage-north-korea",
    "title": "How should Washington engage North Korea?",
    "summary": (
        "Pressure has not stopped North Korea's weapons programmes. These are the ways the "
        "United States could widen contact with Pyongyang and with North Koreans, what each "
        "would need first, and where each stands today."
    ),
    "context": """
<p>North Korea has nuclear weapons and a growing missile arsenal, and decades of sanctions have
not persuaded it to give them up. Analysts disagree on what should come next: more pressure,
or more contact.</p>
<h2>How to read this matrix</h2>
<p>Each option belongs to a track (diplomatic, security, humanitarian and so on), is pursued by
governments, private groups or both, and has a timeframe. Some options depend on others: an
interim nuclear freeze, for example, would open the way to liaison offices and defense talks.
Each option lists the publications that propose, support, oppose or discuss it.</p>
""",
    "regions": ["north-korea"],
    "tags": ["North Korea", "engagement", "diplomacy", "U.S. foreign policy"],
}

TRACKS = [
    ("diplomatic", "Diplomatic", "Statements, negotiations and formal diplomatic channels."),
    ("security", "Security", "Military restraint, arms control and defense contacts."),
    ("humanitarian", "Humanitarian", "Aid, access and the humanitarian legacies of the war."),
    ("people-to-people", "People-to-people", "Family, academic, cultural and civic contact."),
    ("economic", "Economic", "Sanctions, trade, development and technical assistance."),
    ("energy-environment", "Energy & environment", "Power, climate, land and disaster risk."),
    ("multilateral", "Multilateral", "Roles for the United Nations and other bodies."),
]

ACTORS = [
    ("the-white-house", "The White House", "The president and the National Security Council."),
    ("secretary-of-state", "Secretary of State", "Leads U.S. diplomacy; controls passports."),
    ("department-of-defense", "Department of Defense", "U.S. forces and defense policy."),
    ("department-of-the-treasury", "Department of the Treasury", "Sanctions and licences."),
    ("congress", "Congress", "Legislation, funding and oversight."),
    ("un-secretariat", "U.N. Secretariat", "The Secretary-General and U.N. staff."),
    ("private-organizations", "Private organizations", "Aid groups, universities, foundations."),
    ("allied-governments", "Allied governments", "South Korea and Japan."),
]

G, N, B = (
    PolicyOption.Level.GOVERNMENTAL,
    PolicyOption.Level.NONGOVERNMENTAL,
    PolicyOption.Level.BOTH,
)
IMMEDIATE, NEAR, LONG = (
    PolicyOption.Timeframe.IMMEDIATE,
    PolicyOption.Timeframe.NEAR_TERM,
    PolicyOption.Timeframe.LONG_TERM,
)
S = PolicyOption.RealWorldStatus

# "sources": (publication slug, stance, quote, note). The first is always the main piece.
OPTIONS = [
    {
        "slug": "reaffirm-the-singapore-joint-statement",
        "title": "Reaffirm the 2018 Singapore joint statement",
        "track": "diplomatic",
        "level": G,
        "timeframe": IMMEDIATE,
        "actors": ["the-white-house", "secretary-of-state"],
        "status": (S.PARTIALLY_ADOPTED, date(2021, 5, 21)),
        "status_note": (
            "The May 2021 U.S.–South Korea summit statement named the Singapore statement as a "
            "basis for diplomacy; no direct reaffirmation to Pyongyang followed."
        ),
        "tags": ["Singapore summit", "diplomacy"],
        "summary": (
            "Tell Pyongyang that Washington still stands by the 2018 summit statement Kim Jong "
            "Un signed: new relations, a peace regime and denuclearization."
        ),
        "description": (
            "<p>The Singapore statement is the only leader-level agreement between the two "
            "countries, and North Korea has never renounced it. Reaffirming it costs nothing "
            "and tells Pyongyang that talks would build on past commitments rather than start "
            "over.</p>"
        ),
        "goals": "Signal continuity and good faith\nGive talks an agreed starting point",
        "risks": "Critics read it as endorsing a vague text with no verification",
        "sources": [
            (
                MAIN,
                "proposes",
                "reaffirming the 2018 Singapore joint statement, which Kim Jong Un signed and "
                "has never disavowed",
                "Proposed as a first, quick signal of a new approach.",
            )
        ],
    },
    {
        "slug": "declare-an-end-to-the-korean-war",
        "title": "Declare an end to the Korean War",
        "track": "diplomatic",
        "level": G,
        "timeframe": NEAR,
        "actors": ["the-white-house", "secretary-of-state", "congress", "allied-governments"],
        "status": (S.UNDER_CONSIDERATION, date(2021, 12, 31)),
        "status_note": (
            "Seoul pressed for an end-of-war declaration through 2021; Washington discussed "
            "the idea but made none."
        ),
        "tags": ["Korean War", "peace regime"],
        "summary": (
            "A political declaration that the 1950–53 war is over, as a step toward a peace "
            "regime that would replace the armistice."
        ),
        "description": (
            "<p>The fighting stopped in 1953 with an armistice, not a peace treaty. A "
            "declaration would not change the armistice arrangements by itself but would mark "
            "a political break with seventy years of formal hostility.</p>"
        ),
        "goals": "Reduce North Korea's sense of threat\nOpen talks on a peace regime",
        "risks": (
            "Could be read as questioning the basis for U.S. forces in Korea\n"
            "Needs close coordination with Seoul"
        ),
        "sources": [
            (
                MAIN,
                "proposes",
                "saying it is open to formally declaring the Korean War over",
                "Paired with reaffirming Singapore as an early signal.",
            )
        ],
    },
    {
        "slug": "partial-sanctions-relief",
        "title": "Offer partial sanctions relief",
        "track": "economic",
        "level": G,
        "timeframe": NEAR,
        "actors": ["the-white-house", "department-of-the-treasury", "secretary-of-state"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "No relief has been offered; U.S. and U.N. sanctions remain in force.",
        "tags": ["sanctions", "sanctions relief"],
        "summary": (
            "Ease selected sanctions as a unilateral gesture, without weakening allied "
            "deterrence, to draw North Korea back to negotiations."
        ),
        "description": (
            "<p>Relief could start in areas with little military value and be reversible. "
            "Supporters see it as the incentive that makes an interim deal possible; critics "
            "see an unearned reward that spends leverage.</p>"
        ),
        "goals": "Bring North Korea back to talks\nMake an interim freeze reachable",
        "risks": (
            "Reduces pressure before any North Korean step\n"
            "Hard to reverse once partners relax enforcement"
        ),
        "sources": [
            (
                MAIN,
                "proposes",
                "Gestures that cost the alliance nothing in deterrence would add weight: partial "
                "relief from sanctions",
                "One of two unilateral gestures meant to restart talks.",
            ),
            (
                "sequencing-sanctions-relief",
                "supports",
                "Partial sanctions relief, tied to specific and verifiable North Korean steps, "
                "gives both sides something to show at home.",
                "Supports relief if it is sequenced and carries a snapback clause.",
            ),
            (
                "the-case-against-early-sanctions-relief",
                "opposes",
                "Offering partial sanctions relief up front would hand North Korea a reward it "
                "has not earned",
                "Argues pressure should stay until North Korea takes verifiable steps.",
            ),
        ],
    },
    {
        "slug": "pause-strategic-asset-deployments",
        "title": "Pause U.S. strategic asset deployments to the peninsula",
        "track": "security",
        "level": G,
        "timeframe": IMMEDIATE,
        "actors": ["the-white-house", "department-of-defense", "allied-governments"],
        "status": (S.OVERTAKEN, date(2023, 7, 18)),
        "status_note": (
            "The allies stepped up visits by U.S. strategic assets from 2022, including a "
            "nuclear-armed submarine's port call in Busan in July 2023."
        ),
        "tags": ["deterrence", "military exercises"],
        "summary": (
            "Stop sending bombers, carriers and other strategic assets to the peninsula for a "
            "set period, as a gesture that leaves deterrence intact."
        ),
        "description": (
            "<p>North Korea points to these deployments as proof of hostile intent. A "
            "moratorium, announced with Seoul and Tokyo, would remove a talking point while "
            "U.S. forces already stationed in the region maintain deterrence.</p>"
        ),
        "goals": "Lower tension\nMatch a North Korean testing freeze",
        "risks": "Allies may see weakened commitment\nHard to resume without escalating",
        "sources": [
            (
                MAIN,
                "proposes",
                "a pause in deploying U.S. strategic assets to the peninsula",
                "Offered alongside partial sanctions relief.",
            )
        ],
    },
    {
        "slug": "interim-deal-freezing-the-nuclear-program",
        "title": "Reach an interim deal that freezes the nuclear programme",
        "track": "security",
        "level": G,
        "timeframe": NEAR,
        "actors": ["the-white-house", "secretary-of-state"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "No negotiations have taken place since working-level talks in 2019.",
        "tags": ["denuclearization", "nuclear freeze", "diplomacy"],
        "summary": (
            "A verifiable halt to nuclear and long-range missile activity, exchanged for U.S. "
            "steps, as the foundation for talks on peace and denuclearization."
        ),
        "description": (
            "<p>A freeze does not roll back what North Korea already has, but it stops the "
            "arsenal from growing and tests whether commitments can be verified. It would open "
            "the way to wider diplomatic and security engagement.</p>"
        ),
        "goals": "Cap the arsenal\nCreate a basis for further agreements",
        "risks": "Verification is difficult\nMay be seen as accepting North Korea's arsenal",
        "sources": [
            (
                MAIN,
                "proposes",
                "settle on an interim deal that freezes its nuclear programme",
                "The deal that early gestures are meant to make possible.",
            ),
            (
                "making-sense-of-north-koreas-missile-test",
                "discusses",
                "a freeze on testing in exchange for concrete steps from Washington would be a "
                "reasonable place to start",
                "Discusses a testing freeze as a starting point after the cruise missile test.",
            ),
        ],
    },
    {
        "slug": "establish-liaison-offices",
        "title": "Establish liaison offices in Washington and Pyongyang",
        "track": "diplomatic",
        "level": G,
        "timeframe": NEAR,
        "actors": ["secretary-of-state", "congress"],
        "status": (S.PROPOSED, date(2019, 2, 28)),
        "status_note": "Reportedly discussed around the 2019 Hanoi summit; never set up.",
        "tags": ["diplomacy", "liaison offices"],
        "summary": (
            "Small diplomatic missions in each capital to keep communication going between "
            "summits and handle practical matters."
        ),
        "description": (
            "<p>Without a permanent presence, messages pass through the U.N. missions in New "
            "York or third countries. Liaison offices would give diplomats a direct, daily "
            "channel.</p>"
        ),
        "goals": "Sustain progress between summits\nHandle consular and humanitarian cases",
        "risks": "Security of staff\nCould stall if talks break down",
        "prerequisites": ["interim-deal-freezing-the-nuclear-program"],
        "sources": [
            (
                MAIN,
                "proposes",
                "Liaison offices in both capitals would then keep diplomacy alive between summits.",
                "Follows the interim deal.",
            )
        ],
    },
    {
        "slug": "defense-department-kpa-talks",
        "title": "Open Department of Defense–Korean People's Army talks",
        "track": "security",
        "level": G,
        "timeframe": NEAR,
        "actors": ["department-of-defense"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "No senior defense policy talks have been held.",
        "tags": ["military talks", "deterrence"],
        "summary": (
            "Senior-level talks between the Pentagon and North Korea's military on strategy, "
            "force reductions and avoiding accidental conflict."
        ),
        "description": (
            "<p>Earlier military contacts at the demilitarized zone handled the armistice and "
            "have lapsed. Policy-level talks would aim to understand KPA thinking, give it a "
            "stake in diplomacy and reduce the risk of miscalculation.</p>"
        ),
        "goals": "Reduce risk of miscalculation\nExplore mutual force reductions",
        "risks": "Allies must be closely consulted\nMay legitimise the KPA",
        "prerequisites": ["interim-deal-freezing-the-nuclear-program"],
        "sources": [
            (
                MAIN,
                "proposes",
                "The Pentagon could offer direct talks with the Korean People's Army.",
                "Made possible by an interim deal.",
            )
        ],
    },
    {
        "slug": "lift-travel-ban-for-humanitarian-access",
        "title": "Lift the travel ban to open humanitarian access",
        "track": "humanitarian",
        "level": B,
        "timeframe": IMMEDIATE,
        "actors": ["secretary-of-state", "private-organizations"],
        "status": (S.PROPOSED, date(2023, 8, 31)),
        "status_note": (
            "The State Department has renewed the passport restriction on travel to North "
            "Korea every year since it took effect in 2017."
        ),
        "tags": ["travel ban", "humanitarian aid"],
        "summary": (
            "Let Americans travel to North Korea again so that aid organisations can return "
            "once the country reopens its borders."
        ),
        "description": (
            "<p>The secretary of state can lift the restriction without new legislation. Aid "
            "groups would then be able to staff programmes in North Korea as soon as its "
            "pandemic border closure ends.</p>"
        ),
        "goals": "Restore aid delivery and monitoring\nEnable family reunions",
        "risks": "Risk of detention of U.S. citizens\nDepends on North Korea reopening",
        "conditions": "borders reopen",
        "sources": [
            (
                MAIN,
                "proposes",
                "The secretary of state has the power to lift the ban on Americans travelling "
                "to North Korea.",
                "Low-hanging fruit to pursue immediately.",
            ),
            (
                "reopening-humanitarian-access",
                "supports",
                "Lifting the restriction would remove the single largest U.S.-made obstacle to "
                "humanitarian work.",
                "Adds a humanitarian exemption as a fallback.",
            ),
        ],
    },
    {
        "slug": "family-reunions-for-korean-americans",
        "title": "Arrange family reunions for Korean Americans",
        "track": "people-to-people",
        "level": B,
        "timeframe": NEAR,
        "actors": ["secretary-of-state", "congress", "private-organizations"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "Bills urging reunions for divided families have been put to Congress.",
        "tags": ["family reunions", "people-to-people exchange"],
        "summary": (
            "Help Korean Americans meet relatives in North Korea from whom the war separated "
            "them, before that generation is gone."
        ),
        "description": (
            "<p>Inter-Korean reunions have included South Koreans but not Korean Americans. "
            "With travel allowed, private groups and the State Department could arrange "
            "meetings and video contacts.</p>"
        ),
        "goals": "Reunite ageing family members\nBuild goodwill",
        "risks": "Time is running out for the oldest generation",
        "prerequisites": ["lift-travel-ban-for-humanitarian-access"],
        "sources": [
            (
                MAIN,
                "proposes",
                "It would also make reunions possible between Korean Americans and relatives "
                "they have not seen since the war divided their families.",
                "A benefit of lifting the travel ban.",
            )
        ],
    },
    {
        "slug": "resume-remains-recovery",
        "title": "Resume recovery of U.S. service members' remains",
        "track": "humanitarian",
        "level": G,
        "timeframe": NEAR,
        "actors": ["department-of-defense", "congress"],
        "status": (S.PARTIALLY_ADOPTED, date(2018, 7, 27)),
        "status_note": (
            "North Korea handed over 55 cases of remains in July 2018; joint field recovery "
            "has not resumed."
        ),
        "tags": ["Korean War", "remains recovery"],
        "summary": (
            "Restart joint missions to recover the remains of about 5,300 Americans still "
            "missing in North Korea from the war."
        ),
        "description": (
            "<p>Joint recovery teams worked in North Korea until the mid-2000s. Resuming them "
            "would answer the wishes of many families and create routine cooperation between "
            "the two militaries.</p>"
        ),
        "goals": "Return remains to families\nBuild practical military cooperation",
        "risks": "Payments to North Korea for operations draw criticism",
        "sources": [
            (
                MAIN,
                "proposes",
                "Many families of the roughly 5,300 U.S. service members still missing in North "
                "Korea want recovery missions for their remains to restart.",
                "",
            )
        ],
    },
    {
        "slug": "ease-visas-for-exchanges",
        "title": "Ease visa rules for North Korean visitors and exchanges",
        "track": "people-to-people",
        "level": B,
        "timeframe": LONG,
        "actors": ["secretary-of-state", "private-organizations"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "",
        "tags": ["people-to-people exchange", "visas"],
        "summary": (
            "Make it easier for North Koreans to visit the United States for official "
            "programmes and academic, scientific, sporting and cultural exchanges."
        ),
        "description": (
            "<p>Government programmes such as the International Visitor Leadership Program "
            "and private exchanges could bring North Korean professionals into contact with "
            "American counterparts.</p>"
        ),
        "goals": "Expose North Koreans to American society\nBuild professional networks",
        "risks": "Participants are selected and monitored by the state",
        "sources": [
            (
                MAIN,
                "proposes",
                "Easing visa rules for the few North Koreans who visit the United States would "
                "open further doors",
                "",
            )
        ],
    },
    {
        "slug": "economic-and-technical-cooperation",
        "title": "Economic and technical cooperation",
        "track": "economic",
        "level": B,
        "timeframe": LONG,
        "actors": ["department-of-the-treasury", "private-organizations"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "Blocked by U.N. Security Council sanctions.",
        "tags": ["economy", "markets", "development"],
        "summary": (
            "Development aid and technical assistance, from accounting standards to business "
            "training, building on North Korea's limited market experiments."
        ),
        "description": (
            "<p>North Korea has tried joint ventures and special economic zones. Training for "
            "entrepreneurs, including women who often support their families, and technical "
            "help could raise living standards and integrate the country into the world "
            "economy.</p>"
        ),
        "goals": "Improve livelihoods\nEncourage integration into the world economy",
        "risks": "Revenue may reach the weapons programme",
        "prerequisites": ["partial-sanctions-relief"],
        "conditions": "sanctions relief",
        "sources": [
            (
                MAIN,
                "proposes",
                "Economic cooperation, from development aid to technical help with accounting "
                "standards and business practice, would raise living standards",
                "",
            ),
            (
                "markets-and-civil-society-in-north-korea",
                "discusses",
                "Outside engagement that supports livelihoods, such as training in business "
                "skills, could help that space endure.",
                "Links market training to a nascent public sphere.",
            ),
        ],
    },
    {
        "slug": "energy-and-environment-cooperation",
        "title": "Energy and environment cooperation",
        "track": "energy-environment",
        "level": B,
        "timeframe": LONG,
        "actors": ["secretary-of-state", "private-organizations"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "",
        "tags": ["energy", "climate change", "disaster risk"],
        "summary": (
            "Joint work on renewable power, reforestation, land management and disaster risk "
            "reduction in a country short of energy and exposed to climate extremes."
        ),
        "description": (
            "<p>North Korea relies on coal and synthetic gas and faces worsening floods, "
            "droughts and typhoons. Cooperation on cleaner power and resilience would help "
            "both sides, once sanctions allow.</p>"
        ),
        "goals": "Reduce energy poverty\nStrengthen resilience to climate extremes",
        "risks": "Dual-use concerns for energy technology",
        "prerequisites": ["partial-sanctions-relief"],
        "sources": [
            (
                MAIN,
                "proposes",
                "Joint work in these fields could benefit both countries, but sanctions would "
                "have to be addressed first.",
                "",
            )
        ],
    },
    {
        "slug": "un-secretariat-bridging-role",
        "title": "Give the U.N. Secretariat a bridging role",
        "track": "multilateral",
        "level": G,
        "timeframe": NEAR,
        "actors": ["un-secretariat", "secretary-of-state"],
        "status": (S.PROPOSED, date(2023, 12, 31)),
        "status_note": "",
        "tags": ["United Nations", "mediation"],
        "summary": (
            "Use the Secretariat's long-serving staff for exchanges, training and quiet "
            "support to negotiations, beyond sanctions and censure."
        ),
        "description": (
            "<p>U.S. engagement at the U.N. on North Korea is mostly punitive. The "
            "Secretariat's mediation expertise and institutional memory could bridge gaps "
            "between governments and across changes of administration.</p>"
        ),
        "goals": "Provide a standing channel\nKeep memory across administrations",
        "risks": "Security Council divisions may limit the mandate",
        "sources": [
            (
                MAIN,
                "proposes",
                "Staff of the U.N. Secretariat often serve far longer than their national "
                "counterparts",
                "",
            ),
            (
                "the-un-as-a-bridge-on-the-peninsula",
                "proposes",
                "Member states should give the Secretary-General a clear mandate to offer good "
                "offices on the peninsula",
                "Sets out what the mandate would cover.",
            ),
        ],
    },
    {
        "slug": "tighten-enforcement-against-sanctions-evasion",
        "title": "Tighten enforcement against sanctions evasion networks",
        "track": "economic",
        "level": G,
        "timeframe": IMMEDIATE,
        "actors": ["department-of-the-treasury", "secretary-of-state", "allied-governments"],
        "status": (S.PARTIALLY_ADOPTED, date(2024, 4, 30)),
        "status_note": (
            "Enforcement continues, but the U.N. panel of experts monitoring North Korea "
            "sanctions closed in April 2024 after a Russian veto."
        ),
        "tags": ["sanctions", "sanctions evasion", "Africa"],
        "summary": (
            "Expose and shut down the trading and shipping networks, including in Africa, that "
            "let North Korea earn money despite sanctions."
        ),
        "description": (
            "<p>Arms and wildlife trafficking through African and Chinese ports earns the "
            "regime hard currency. Helping partner governments inspect cargo and trace finance "
            "would close gaps in enforcement.</p>"
        ),
        "goals": "Cut revenue to the weapons programme\nKeep sanctions credible",
        "risks": "Raises tension with China\nMay harden North Korea's position",
        "published_at": datetime(2021, 2, 24, 12, 0, tzinfo=UTC),
        "sources": [
            (
                "the-case-against-early-sanctions-relief",
                "proposes",
                "Washington and its partners should tighten enforcement against these networks",
                "Enforcement first, before any debate about loosening the rules.",
            ),
            (
                "north-korea-in-africa",
                "discusses",
                "much of the sanctions regime's weakness lies outside the peninsula",
                "Describes the evasion networks in Africa that enforcement would target.",
            ),
        ],
    },
    {
        "slug": "draft-joint-disaster-response-drills",
        "title": "Joint disaster-response drills",
        "track": "energy-environment",
        "level": B,
        "timeframe": LONG,
        "actors": ["private-organizations"],
        "draft": True,
        "status": (S.PROPOSED, None),
        "status_note": "",
        "tags": ["disaster risk"],
        "summary": "Draft: exercises with North Korean disaster agencies.",
        "description": "<p>Not ready for readers.</p>",
        "goals": "",
        "risks": "",
        "sources": [],
    },
]


def load(write=None):
    """Create or update the options demo (after publications.demo.load); returns Progress."""
    progress = Progress(write)
    publications = {p.slug: p for p in Publication.objects.all()}
    regions = {r.slug: r for r in Region.objects.all()}

    question = upsert(
        PolicyQuestion,
        progress,
        slug=QUESTION["slug"],
        title=QUESTION["title"],
        summary=QUESTION["summary"],
        context=QUESTION["context"],
        status=PolicyQuestion.Status.PUBLISHED,
        published_at=PUBLISHED_AT,
    )
    question.regions.set([regions[slug] for slug in QUESTION["regions"]])
    set_tags(question, QUESTION["tags"])

    tracks = {
        slug: upsert(Track, progress, slug=slug, name=name, description=text, order=order)
        for order, (slug, name, text) in enumerate(TRACKS)
    }
    actors = {
        slug: upsert(Actor, progress, slug=slug, name=name, description=text)
        for slug, name, text in ACTORS
    }

    options = {}
    for row in OPTIONS:
        real_world_status, status_date = row["status"]
        option = upsert(
            PolicyOption,
            progress,
            slug=row["slug"],
            title=row["title"],
            question=question,
            track=tracks[row["track"]],
            level=row["level"],
            timeframe=row["timeframe"],
            summary=row["summary"],
            description=row["description"],
            goals=row["goals"],
            risks=row["risks"],
            conditions=row.get("conditions", ""),
            real_world_status=real_world_status,
            status_note=row["status_note"],
            status_date=status_date,
            status=PolicyOption.Status.DRAFT if row.get("draft") else PolicyOption.Status.PUBLISHED,
            published_at=None if row.get("draft") else row.get("published_at", PUBLISHED_AT),
        )
        option.actors.set([actors[slug] for slug in row["actors"]])
        set_tags(option, row["tags"])
        options[row["slug"]] = option

    for row in OPTIONS:
        option = options[row["slug"]]
        prerequisites = [options[slug] for slug in row.get("prerequisites", [])]
        option.check_prerequisites(prerequisites)
        option.prerequisites.set(prerequisites)
        wanted = set()
        for order, (pub_slug, stance, quote, note) in enumerate(row["sources"]):
            publication = publications[pub_slug]
            wanted.add(publication.pk)
            values = {"stance": stance, "quote": quote, "note": note, "order": order}
            link = OptionSource.objects.filter(option=option, publication=publication).first()
            if link is None:
                OptionSource.objects.create(option=option, publication=publication, **values)
            elif any(getattr(link, name) != value for name, value in values.items()):
                OptionSource.objects.filter(pk=link.pk).update(**values)
        option.source_links.exclude(publication__in=wanted).delete()
    return progress
