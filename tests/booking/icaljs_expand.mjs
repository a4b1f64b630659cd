// Expand a feed the way Thunderbird and Nextcloud do: with Mozilla's ical.js.
// usage: node icaljs_expand.mjs START END < feed.ics   (START/END: ISO 8601 instants)
// prints a JSON list of {uid, start, end, summary} in UTC, one item per occurrence.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [startArg, endArg] = process.argv.slice(2);
const rangeStart = ICAL.Time.fromJSDate(new Date(startArg), true);
const rangeEnd = ICAL.Time.fromJSDate(new Date(endArg), true);
const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));

// As the calendar apps do: the feed's own VTIMEZONEs resolve its TZIDs.
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}

const masters = new Map();
const exceptions = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  if (event.isRecurrenceException()) exceptions.push(event);
  else masters.set(event.uid, event);
}
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (master) master.relateException(exception);
  else masters.set(`${exception.uid}#${exception.recurrenceId}`, exception);
}

const utc = (time) => time.toJSDate().toISOString();
const out = [];
for (const event of masters.values()) {
  if (!event.isRecurring()) {
    if (event.endDate.compare(rangeStart) > 0 && event.startDate.compare(rangeEnd) < 0) {
      out.push({ uid: event.uid, start: utc(event.startDate), end: utc(event.endDate), summary: event.summary });
    }
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    if (details.startDate.compare(rangeEnd) >= 0) break;
    if (details.endDate.compare(rangeStart) <= 0) continue;
    out.push({
      uid: event.uid,
      start: utc(details.startDate),
      end: utc(details.endDate),
      summary: details.item.summary,
    });
  }
}
process.stdout.write(JSON.stringify(out));
