"""Word lists the sentence reader consults beside the frames table."""
from __future__ import annotations

# Plural offices before "of" and countries: each country stands for its leader at the time.
_PLURAL_TITLES = frozenset("leaders presidents heads premiers ministers kings monarchs rulers emirs".split())

_THANKS = frozenset("thanks thanked thank thanking gratitude grateful appreciation".split())

_PLURAL_HEADS = frozenset("letters messages telegrams cables notes invitations missives".split())

_SPEECH_WORDS = frozenset("address speech remarks broadcast rally interview televised podcast".split())

# Nouns whose own "to" phrase is not the letter's address.
_NOUNS_TAKING_TO = frozenset("""
ambassador ambassadors envoy envoys embassy consul representative
visit visits trip trips journey tour travel return way contribution contributions commitment support threat
threats relations ties access road path approach attention flight flights delegation mission
""".split())

# "Cable" next to these is not a telegram between leaders.
_CABLE_NOT_MAIL = frozenset("""
news tv television car cars network networks channel channels company operator operators line lines internet
undersea submarine subsea fiber fibre optic power diplomatic leaked embassy classified secret internal wikileaks
state department
""".split())

# Verbs followed by a reported clause rather than by the person addressed.
_CLAUSE_VERBS = frozenset("""
said says say stated states noted notes stressed stresses added adds believed believes hoped hopes emphasised
emphasized reaffirmed mentioned explained claimed insisted argued recalled underlined affirmed declared that
""".split())

# Words of a title or role between a preposition and the name it introduces.
_TITLE_WORDS = frozenset("""
president prime minister foreign leader counterpart envoy special national security adviser advisor ambassador
secretary general secretary-general chief head top senior state affairs crown prince princess king queen emir amir
sheikh sultan pope ayatollah junta military spokesman spokeswoman deputy vice chairman chairwoman premier aide
representative counsellor counselor diplomat first lady wife husband sister brother son daughter personal then
former new outgoing incoming presidential supreme general commander commander-in-chief party interior defence
defense trade finance minister-president chancellor governor mayor emissary negotiator delegate
""".split())

_HONORIFICS = frozenset("""
mr mrs ms dr sir madam president chairman chairwoman comrade general secretary premier prime minister king queen
emperor respected supreme chancellor envoy ambassador special representative excellency dear vice deputy
spokesman spokeswoman adviser advisor aide negotiator official
""".split())
