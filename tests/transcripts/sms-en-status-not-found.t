## SMS, English: a well-formed case number that is not in the store
## (1000015: its check digit is right, but the store is empty): "isn't in
## our system" and a menu; "Try another number" with another unknown one,
## then "My requests", which finds nothing for this number.
#! --channel sms --from +15551230023
> STATUS 1000015
< Case 1000015 isn't in our system.
< Reply with a number:
< 1 Try another number
< 2 My requests
< 0 Talk to someone
> 1
< What's your case number? It has 7 digits.
> 1000028
< Case 1000028 isn't in our system.
< Reply with a number:
< 1 Try another number
< 2 My requests
< 0 Talk to someone
> 2
< We found no requests from this number. If you reported from another phone, text STATUS and your case number.
# end completed at status.mine_none
