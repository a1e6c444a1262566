## SMS, English: the POTHOLE keyword as the first text skips the menus and
## asks where; confirmed with "1".
#! --channel sms --from +15551230003
> POTHOLE
< Where is it? Reply with the street address or the nearest cross streets.
> 45 Maple Drive
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> about two feet wide
< Your report: Pothole at 45 Maple Drive
< Send it?
< 1 Yes
< 2 No
> 1
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
