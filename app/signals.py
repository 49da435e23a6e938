"""Domain events, so packages react to each other without importing upward.

Every learning signal is sent with ``user`` and the item's ``item_id`` and ``version``; receivers
connect in their package's ``init_app``.
"""

from blinker import Namespace

aula_signals = Namespace()

lesson_completed = aula_signals.signal("lesson-completed")
assessment_passed = aula_signals.signal("assessment-passed")
simulation_passed = aula_signals.signal("simulation-passed")
course_completed = aula_signals.signal("course-completed")
# Sent with ``user`` when a person joins, changes office or position, or is (de)activated.
staff_changed = aula_signals.signal("staff-changed")
# Sent after ``flask seed --demo`` created the demo accounts; packages add their demo data.
demo_seeded = aula_signals.signal("demo-seeded")
