## SMS, English: a TRASH report cancelled at the read-back ("n", then 3):
## nothing is filed, the conversation ends, and "My requests" in the next
## conversation finds nothing for this number.
#! --channel sms --from +15551230006
> TRASH 9 Pine St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Missed pickup at 9 Pine St
< Send it?
< 1 Yes
< 2 No
> n
< What would you like to change?
< 1 The location
< 2 The type of problem
< 3 Cancel this report
> 3
< OK, your report was canceled. Nothing was filed.
# end completed at report.cancelled
> menu
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 3
< We found no requests from this number. If you reported from another phone, text STATUS and your case number.
# end completed at status.mine_none
