"""Vocabulary for synthetic content: common English words (a list written for this project, in
rough order of commonness) followed by a long tail of pronounceable generated words.

``zipf_weights`` gives word *i* a weight proportional to 1/(i+1)**s, as in natural text: the
first few words turn up in nearly every document, a few hundred down the list match about a
third of them, and the tail is rare. ``bench/make_corpus.py`` reports which words match ~30%.
"""

import random

_COMMON_TEXT = """
the of and to in a is that for on with as by are this be from at it an was have has not
which or but their its more were will been can also new would other these they policy there
than all one may about after first two into over between government state states such most
some only time any when year years could who how both through where under national report
security people public international economic support should while during them those each
foreign country countries many against because since development own including well human
political process military regional trade peace north south rights years continue further
access talks working agreement future social region issues within however system long local
recent being work based approach key major role aid local against relations across among
cooperation sanctions nuclear humanitarian meeting leaders program efforts global program
energy health food water crisis border change part next three level support community groups
research data analysis plan strategy risk risks market markets financial growth investment
infrastructure transport education training women children families workers labor rural urban
climate environment agriculture production supply prices cost costs budget funding resources
law legal court courts justice reform reforms election elections parliament party parties
council committee ministry minister president officials agency agencies institutions
organization network networks dialogue negotiation negotiations engagement diplomacy
exchange exchanges visit visits summit declaration framework mechanism measures standards
monitoring verification compliance transparency accountability governance capacity
building stability tension tensions conflict conflicts violence protection refugees
migration displacement assistance delivery partners partner donors donor loans debt
currency banking payments exports imports tariffs shipping ports fisheries mining
technology digital internet media information communication science scientists academic
universities students scholars experts survey evidence findings results outcomes impact
effect effects benefits incentives pressure leverage signals options choices tradeoffs
sequence steps phase phases timeline deadline commitment commitments obligations treaty
treaties alliance alliances forces troops exercises weapons missile missiles testing tests
defense deterrence escalation restraint confidence transparency channels hotline incident
incidents maritime airspace coast coastal island islands river rivers mountain province
provinces city cities village villages district districts capital northern southern eastern
western central upper lower early late short medium broad narrow strong weak high low
large small modest significant limited growing declining rising falling stable uncertain
"""
# Split at import: the list reads as prose and stays easy to edit.
COMMON = _COMMON_TEXT.split()

SYLLABLES = [
    "ka", "ri", "mo", "su", "ten", "lav", "or", "pel", "din", "ast", "ru", "vek", "nal",
    "bro", "sim", "tu", "gar", "el", "fon", "mi", "zek", "ha", "lun", "qua", "te", "bor",
    "vi", "nesh", "ul", "dra", "pim", "so", "ger", "am", "yul", "cor", "ex", "fa", "nio",
]  # fmt: skip


def generated(rng, count):
    words, seen = [], set(COMMON)
    while len(words) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def vocabulary(seed=0, size=6000):
    unique = list(dict.fromkeys(COMMON))
    return unique + generated(random.Random(seed), size - len(unique))


def zipf_weights(count, s=1.0):
    return [1 / (rank + 1) ** s for rank in range(count)]
