"""Ordinary English words that must never be read as a misspelt state name."""

from __future__ import annotations

COMMON_WORDS = frozenset(
    """
    a about above across after again against ago all almost along already also although always am
    among an and another any anybody anyone anything are aren around as ask asked asking at away
    back be became because become becomes becoming been before began begin beginning begins being
    below besides best better between both bound but by call called came can cannot cant could
    couldn country countries date day days did didn do does doesn doing done down during each early
    either else end ended ending enough entire even ever every everyone everything exactly explain
    fact facts far few find first for former from full further gave get gets give given gives go
    goes going gone good got great had hadn has hasn have haven having he her here hers him his how
    however i if in include included including indeed instead into is isn it its itself just keep
    kept know known last later latest least left less let like likely list made make makes many may
    maybe me mean means meant might mine mines more most much must my name named names near need
    needed needs neither never new newest next no none nor not now number of off often old on once
    one only onto or other others our out over own part per please possible quite rather really
    recent recently right said same say says see seem seems seen several shall she should show since
    so some someone something soon still such sure take taken takes tell than that the their them
    then there these they thing things this those though through thus till to today told too took
    toward under until up upon us use used uses using very want was wasn way we well went were weren
    what whatever when where whether which while who whom whose why will with within without won
    would wouldn yes yet you your treaty treaties convention conventions ottawa mine mines landmine
    landmines ban banned bans banning party parties member members membership state states nation
    nations status signed sign signature signatory signatories ratify ratified ratification accede
    acceded accession join joined joining withdraw withdrew withdrawn withdrawal withdrawals
    withdrawing leave leaving quit pulled pull exit exited denounce denounced denunciation notice
    notified notification effect effective force entry article articles anti personnel vehicle tank
    weapons weapon military defence defense war armed conflict stockpile stockpiles clearance
    cleared destroy destruction deadline deadlines review conference conferences meeting meetings
    prize nobel peace depositary secretary general united reservation reservations suspend suspended
    suspension adopted adoption language languages current currently since among which world global
    international humanitarian law government parliament president minister vote voted decree bill
    timeline history reason reasons why happened begin begins began stain sedan chili chile malts
    tongs conga samosa spin roman woman women omen again agent bound bonus china plate plates dish
    dishes cheers chart charter dinner recipe pig pigs turkey sandwich roast bird shoes sneakers
    basketball brand
    """.split()
)
