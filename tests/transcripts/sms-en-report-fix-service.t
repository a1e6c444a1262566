## SMS, English: a report started with STREETLIGHT and its location; at the
## read-back "2" (no), then "The type of problem": the service menu again,
## graffiti by number, the location asked again, and the corrected report
## is filed as graffiti.
#! --channel sms --from +15551230005
> STREETLIGHT 5 Oak Ave
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Street light at 5 Oak Ave
< Send it?
< 1 Yes
< 2 No
> 2
< What would you like to change?
< 1 The location
< 2 The type of problem
< 3 Cancel this report
> 2
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
> 5 Oak Ave
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> on the bus shelter
< Your report: Graffiti at 5 Oak Ave
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
