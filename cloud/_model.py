"""The template's vocabulary: roles, job statuses and their transitions, technician availability."""

ROLES = ("dispatcher", "technician", "manager")  # _Role names, and the values of _User.role
ROLE_PRECEDENCE = ("manager", "dispatcher", "technician")  # when a user is left in several, the first wins
STAFF = ("dispatcher", "manager")  # may change any job, technician record or stock line

AVAILABILITY = ("available", "busy", "off_duty")

JOB_STATUSES = ("open", "assigned", "in_progress", "completed", "cancelled")
OPEN_JOB_STATUSES = ("assigned", "in_progress")  # the jobs listed in Technician.assignedJobs
FINISHED_JOB_STATUSES = ("completed", "cancelled")
TRANSITIONS = {
    "open": ("assigned", "cancelled"),
    "assigned": ("in_progress", "open", "cancelled"),
    "in_progress": ("completed", "cancelled"),
    "completed": (),
    "cancelled": (),
}
TECHNICIAN_TRANSITIONS = (("assigned", "in_progress"), ("in_progress", "completed"))
NEEDS_TECHNICIAN = ("assigned", "in_progress", "completed")

TIE_KM = 0.001  # technicians within a metre of each other are equally near
