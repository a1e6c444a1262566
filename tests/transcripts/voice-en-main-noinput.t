## Voice, English: silence at the main menu: "didn't hear" twice, the third
## timeout goes to agent.offer; "2" is the main menu again, where "3" (My
## requests) finds nothing; silence twice at "anything else?" means the
## caller is done: goodbye.
#! --channel voice --from +15551230105
# call from +15551230105
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> wait
< play common.didnt_hear
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> wait
< play common.didnt_hear
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> wait
< play agent.trouble
< play common.what_next common.for main.agent common.press digit.1 common.for common.main_menu common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 3
< play lookup.mine_none
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> wait
< play common.didnt_hear
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> wait
< play main.goodbye
< hangup
# end completed at main.goodbye
