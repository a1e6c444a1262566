## SMS, English: any first text opens the main menu; a pothole reported
## through the menus by number (1 report, 1 pothole), the location and a
## description by text, read back and confirmed with "yes": case 1000002.
#! --channel sms --from +15551230001
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
> 1
< Where is it? Reply with the street address or the nearest cross streets.
> 12 Elm St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> Deep hole in the right lane, cars swerve around it
< Your report: Pothole at 12 Elm St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
