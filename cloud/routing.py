"""Routing: send a job to the nearest available technician; a technician's open jobs in visiting order.

assignNearestTechnician({jobId}) — dispatchers, managers, the master key. The job must be open
and have a location. Candidates are the technicians whose availability is `available` and who
have a location, nearest first ($nearSphere). Technicians within a metre of the nearest one are
tied: the one with fewer open jobs wins, then the name, then the objectId, so the choice never
depends on storage order. No candidate: 101 "No technician is available". The job is saved with
the technician (jobs.py makes it `assigned` and updates assignedJobs). Returns {job, technician,
distanceKm, tiedWith: [names of the other tied technicians]}.

technicianRoute({technicianId, date?}) — that technician's user, dispatchers, managers. The
technician's open jobs (assigned / in_progress), only those scheduled on `date` (YYYY-MM-DD, UTC)
when given, ordered to shorten travel while keeping each visit within an hour of its
scheduledTime (nearest-neighbour plus 2-opt, _tour.py); the job in progress stays first.
Returns {technician, date, stops: [{order, job, distanceKm, eta}], totalKm}.
"""

from datetime import datetime, timedelta, timezone

from parse_clone.cloud import Cloud, Field, ParseError, parse_date

from ._access import forbidden, invalid, is_staff, is_users_technician
from ._geo import distance_km
from ._tour import Stop, evaluate, plan_route
from ._model import OPEN_JOB_STATUSES, TIE_KM

cloud = Cloud()
CANDIDATES = 25  # nearest technicians considered for ties


def choose_nearest(location, technicians):
    """(technician, distance_km, others tied with it) among technicians with a location."""
    measured = [(distance_km(location, t.get("location")), t) for t in technicians if t.get("location")]
    if not measured:
        return None, None, []
    nearest = min(d for d, _ in measured)
    tied = [t for d, t in measured if d - nearest <= TIE_KM]
    tied.sort(key=lambda t: (len(t.get("assignedJobs") or []), t.get("name") or "", t.id))
    chosen = tied[0]
    return chosen, distance_km(location, chosen.get("location")), tied[1:]


@cloud.define("assignNearestTechnician", require_user=True, require_any_user_roles=["dispatcher", "manager"],
              fields={"jobId": Field(type=str, required=True)})
async def assign_nearest_technician(req):
    """Route an open job to the nearest available technician."""
    db = req.db.master
    job = await db.get("Job", req.params["jobId"])
    status = job.get("status") or "open"
    if status != "open":
        raise invalid(f"Job {job.id} is {status}: only open jobs are routed")
    if not job.get("location"):
        raise invalid(f"Job {job.id} has no location to route from")
    candidates = await (db.query("Technician").equal_to("availability", "available")
                        .near("location", job.get("location")).limit(CANDIDATES).find())
    technician, distance, tied = choose_nearest(job.get("location"), candidates)
    if technician is None:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "No technician is available")
    job["technician"] = technician
    await job.save()
    await technician.fetch()
    return {"job": job, "technician": technician, "distanceKm": round(distance, 3),
            "tiedWith": [t.get("name") for t in tied]}


def _iso(when):
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _day(text):
    try:
        start = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        raise invalid("date must be YYYY-MM-DD") from None
    return start, start + timedelta(days=1)


def order_stops(start, jobs):
    """Jobs in visiting order (see _tour.py), each with its distance from the previous stop and its ETA."""
    in_progress = next((j.id for j in jobs if j.get("status") == "in_progress"), None)
    # the job in progress has started: its booked time no longer constrains the day
    stops = [Stop(j.id, j.get("location"), None if j.id == in_progress else parse_date(j.get("scheduledTime")))
             for j in jobs]
    tour = plan_route(start, stops, distance_km, first=in_progress)
    _, _, arrivals = evaluate(start, tour, distance_km)
    by_id = {j.id: j for j in jobs}
    out, here = [], start
    for stop, eta in zip(tour, arrivals):
        out.append((by_id[stop.key], distance_km(here, stop.location), eta))
        here = stop.location or here
    return out


@cloud.define("technicianRoute", require_user=True, fields={"technicianId": Field(type=str, required=True)})
async def technician_route(req):
    """A technician's open jobs, in the order to visit them."""
    db = req.db.master
    technician = await db.get("Technician", req.params["technicianId"])
    if not (is_staff(req) or is_users_technician(req, technician)):
        raise forbidden("Only this technician or a dispatcher can see this route")
    query = (db.query("Job").equal_to("technician", technician.to_pointer())
             .contained_in("status", list(OPEN_JOB_STATUSES)).ascending("scheduledTime").limit(1000))
    date = req.params.get("date")
    if date is not None:
        start, end = _day(date)
        query.greater_than_or_equal_to("scheduledTime", start).less_than("scheduledTime", end)
    stops = order_stops(technician.get("location"), await query.find())
    total = sum(d for _, d, _ in stops if d is not None)
    return {"technician": technician, "date": date,
            "stops": [{"order": i + 1, "job": job, "distanceKm": None if d is None else round(d, 3),
                       "eta": None if eta is None else {"__type": "Date", "iso": _iso(eta)}}
                      for i, (job, d, eta) in enumerate(stops)],
            "totalKm": round(total, 3)}
