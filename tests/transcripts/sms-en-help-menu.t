## SMS, English: HELP as the first text gives the words one can text and the
## main menu; MENU in the middle of choosing a service goes back to the main
## menu; HELP answering a menu works too.
#! --channel sms --from +15551230043
> HELP
< Text REPORT, POTHOLE, TRASH, or STATUS and a case number.
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
> MENU
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> help
< Text REPORT, POTHOLE, TRASH, or STATUS and a case number.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 2
< What's your case number? It has 7 digits.
> 1000002
< Case 1000002 isn't in our system.
< Reply with a number:
< 1 Try another number
< 2 My requests
< 0 Talk to someone
