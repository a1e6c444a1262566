## SMS, English: session expiry within one run.  The resident stops at "Send
## it?"; 29 minutes later "yes" still files the report.  A new report stops
## at "Where is it?"; 31 minutes later the next text is told the
## conversation timed out (# end expired) and starts afresh at the welcome.
#! --channel sms --from +15551230053
> TRASH 10 Fir St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Missed pickup at 10 Fir St
< Send it?
< 1 Yes
< 2 No
> @wait 29m
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> STREETLIGHT
< Where is it? Reply with the street address or the nearest cross streets.
> @wait 31m
> 22 Spruce St
# end expired at report.where
< Your last conversation timed out, so we're starting over.
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
