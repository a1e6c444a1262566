## SMS, English: "POTHOLE 12 Elm St" carries the location in the same text,
## so the next question is the description.  At the read-back the resident
## answers "no" and fixes the location (the description is asked again),
## then confirms the corrected address.
#! --channel sms --from +15551230004
> POTHOLE 12 Elm St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Pothole at 12 Elm St
< Send it?
< 1 Yes
< 2 No
> no
< What would you like to change?
< 1 The location
< 2 The type of problem
< 3 Cancel this report
> 1
< Where is it? Reply with the street address or the nearest cross streets.
> 14 Elm Street
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> near the bus stop
< Your report: Pothole at 14 Elm Street
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
