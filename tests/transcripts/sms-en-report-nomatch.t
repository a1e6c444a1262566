## SMS, English: answers the report flow cannot use: an empty text as the
## location, a description over 300 characters, and three replies to
## "Send it?" that are neither yes nor no; the third one reaches the
## flow's failure target, agent.offer, whose "2 Menu" goes to the main menu.
## (The echo of the empty text is "> " with a trailing space: keep it.)
#! --channel sms --from +15551230007
> REPORT
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
> 2
< Where is it? Reply with the street address or the nearest cross streets.
> 
< Sorry, that was empty or too long.
< Where is it? Reply with the street address or the nearest cross streets.
> 77 Birch Rd
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> The light has been flickering for a week and now it is completely dark every night, which makes the whole block unsafe for people walking home from the bus stop after work, and the kids who use the path to get to school in the morning before sunrise in winter too. Several neighbors have already called about it, please send someone soon
< Sorry, that was empty or too long.
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> dark all night
< Your report: Street light at 77 Birch Rd
< Send it?
< 1 Yes
< 2 No
> maybe
< Sorry, I didn't get that.
< Send it?
< 1 Yes
< 2 No
> tomorrow
< Sorry, I didn't get that.
< Send it?
< 1 Yes
< 2 No
> ok
< Having trouble? We can get you to someone who can help.
< Reply with a number:
< 1 Talk to someone
< 2 Menu
> 2
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
