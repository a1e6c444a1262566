## Voice, English: a well-formed number that is not in the store (1000015):
## read back with "isn't in our system" and a menu; "1" to enter another:
## too few digits then the inter-digit timeout ("wait") is nomatch (7
## digits), silence is noinput, and a second short number is the third
## failure: the flow turns to this phone's requests (none).
#! --channel voice --from +15551230108
# call from +15551230108
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 2
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000015
< play lookup.case digit.1 digit.0 digit.0 digit.0 digit.0 digit.1 digit.5 lookup.not_found
< play common.what_next common.for lookup.try_again common.press digit.1 common.for main.mine common.press digit.2 common.for main.agent common.press digit.0
< listen keys=120 timeout=6s
> 1
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 12
> wait
< play lookup.seven_digits
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> wait
< play common.didnt_hear
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 12345
> wait
< play lookup.no_number
< play lookup.mine_none
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
