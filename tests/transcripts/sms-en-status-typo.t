## SMS, English: check digits.  With case 1000002 filed, "STATUS 1000012"
## (one digit mistyped) is a typo, not "not found"; asked again, "1000020"
## (the last two digits swapped) is a typo too, and then the right number
## is found.
#! --channel sms --from +15551230022
> VEHICLE 8 Cedar Ct
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Abandoned car at 8 Cedar Ct
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> STATUS 1000012
< That number has a typo: one of the digits doesn't match. Please check it and try again.
< What's your case number? It has 7 digits.
> 1000020
< That number has a typo: one of the digits doesn't match. Please check it and try again.
< What's your case number? It has 7 digits.
> 1000002
< Case 1000002 is open. We have it, and it's in line for a crew.
# end completed at status.found
