"""The Home Health Aide template's cloud code: the data model's rules (see the README's data dictionary).

users.py        _User.role <-> _Role membership; setUserRole
technicians.py  who may change a technician (availability, location, assignedJobs)
jobs.py         who may update a job order, its status transitions, assignedJobs, availability, ServiceLog
inventory.py    stock never below zero, `available` derived from quantity
routing.py      assignNearestTechnician(jobId), technicianRoute(technicianId[, date])
_model.py       the template's roles, statuses and transitions; _access.py and _geo.py: shared helpers
"""
