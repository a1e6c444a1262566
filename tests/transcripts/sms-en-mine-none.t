## SMS, English: "My requests" (main menu 3) from a number that never
## reported anything.
#! --channel sms --from +15551230031
> Hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 3
< We found no requests from this number. If you reported from another phone, text STATUS and your case number.
# end completed at status.mine_none
