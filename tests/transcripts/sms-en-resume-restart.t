## SMS, English: an SMS conversation survives a restart.  Segment 1 stops
## after the location; segment 2 (the simulator restarted on the same store,
## same number) takes the description where it left off and files the
## report.  Segment 3: another number starts its own conversation, and the
## first number, its conversation finished, starts afresh.
#! --channel sms --from +15551230051
> Hi there
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
> 6
< Where is it? Reply with the street address or the nearest cross streets.
> Corner of Oak Ave and 3rd St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
#! --channel sms --from +15551230051
> tags on the bus shelter
< Your report: Graffiti at Corner of Oak Ave and 3rd St
< Send it?
< 1 Yes
< 2 No
> 1
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
#! --channel sms --from +15551230052
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
#! --channel sms --from +15551230051
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
