## SMS, English: "My requests" with one case: the count, then the case.
#! --channel sms --from +15551230032
> DUMPING behind 40 Park Pl
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> mattress and tires
< Your report: Dumping at behind 40 Park Pl
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> My requests
< Your requests: 1. Newest first:
< Case 1000002 is open.
# end completed at status.mine_done
