## SMS, English: a report is filed (1000002), then checked three ways:
## "STATUS 1000002", lower case with a dash ("status 100-0002"), and the
## main menu's "2" followed by the number with spaces: open, each time.
#! --channel sms --from +15551230021
> WATER 3 River Rd
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> water coming up through the pavement
< Your report: Water/sewer at 3 River Rd
< Send it?
< 1 Yes
< 2 No
> 1
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> STATUS 1000002
< Case 1000002 is open. We have it, and it's in line for a crew.
# end completed at status.found
> status 100-0002
< Case 1000002 is open. We have it, and it's in line for a crew.
# end completed at status.found
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 2
< What's your case number? It has 7 digits.
> 100 0002
< Case 1000002 is open. We have it, and it's in line for a crew.
# end completed at status.found
