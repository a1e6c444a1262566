## SMS, English: menus answered with words instead of numbers: "Report a
## problem" (the label; its first word is also the REPORT keyword), "street
## light" (a label in another case), "SKIP" for the optional description
## and "Y" for yes.
#! --channel sms --from +15551230002
> Hello
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> Report a problem
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
> street light
< Where is it? Reply with the street address or the nearest cross streets.
> 300 Oak Avenue, in front of the library
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> SKIP
< Your report: Street light at 300 Oak Avenue, in front of the library
< Send it?
< 1 Yes
< 2 No
> Y
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
