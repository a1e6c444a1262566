## SMS, English: STATUS alone asks for the number.  The resident does not
## have it and fails three times; the flow's failure target for that
## question is the list of this number's own requests (one here).
#! --channel sms --from +15551230025
> GRAFFITI 2 Elm St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Graffiti at 2 Elm St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> STATUS
< What's your case number? It has 7 digits.
> I don't know it
< Sorry, case numbers have 7 digits.
< What's your case number? It has 7 digits.
> 123
< Sorry, case numbers have 7 digits.
< What's your case number? It has 7 digits.
> ?
< Your requests: 1. Newest first:
< Case 1000002 is open.
# end completed at status.mine_done
