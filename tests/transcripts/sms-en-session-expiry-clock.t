## SMS, English: session expiry across a restart.  Segment 1 stops at the
## service menu at 10:00; segment 2 is the simulator restarted 40 minutes
## later (--clock): the saved conversation is too old, so "STATUS" is told
## it timed out and then handled as the start of a new conversation (it
## asks for the number; 1000002 is unknown, nothing was filed).
#! --channel sms --from +15551230054
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 1
< What's the problem?
< 1 Pothole
< 2 Street light
< 3 Missed pickup
< 4 Abandoned car
< 5 Dumping
< 6 Graffiti
< 7 Water/sewer
< 8 Other
< 9 Menu
#! --channel sms --from +15551230054 --clock 2026-11-23T10:40:00Z
> STATUS
# end expired at report.pick_service
< Your last conversation timed out, so we're starting over.
< What's your case number? It has 7 digits.
> 1000002
< Case 1000002 isn't in our system.
< Reply with a number:
< 1 Try another number
< 2 My requests
< 0 Talk to someone
