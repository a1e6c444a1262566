## Voice, English, with agents free (--agents) and business hours
## (--hours): at 10:00 on a Monday "0" is transferred; at 05:00 the same
## key says the agents are off and offers a callback: "1", the afternoon,
## and the reference comes by text too.  On Christmas Day (a holiday) at
## 10:00: closed, "2" the phone and hours.
#! --channel voice --from +15551230153 --agents --hours $SRC/tests/transcripts/hours.cfg --clock 2026-11-23T15:00:00Z
# call from +15551230153
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 0
< play agent.connecting
< transfer queue=agents
# end transferred at agent.connect
#! --channel voice --from +15551230153 --agents --hours $SRC/tests/transcripts/hours.cfg --clock 2026-11-23T10:00:00Z
# call from +15551230153
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 0
< play agent.closed
< play common.what_next common.for agent.call_me common.press digit.1 common.for agent.hours_label common.press digit.2 common.for common.main_menu common.press digit.9
< listen keys=129 timeout=6s
> 1
< play agent.when common.for window.morning common.press digit.1 common.for window.afternoon common.press digit.2 common.for window.evening common.press digit.3 common.for window.any common.press digit.4
< listen keys=1234 timeout=6s
> 2
< play agent.will_call callback.afternoon agent.reference digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2
< sms City 311: we'll call you back in the afternoon. Your reference number is 1000002
< play main.goodbye
< hangup
# end completed at main.goodbye
#! --channel voice --from +15551230153 --agents --hours $SRC/tests/transcripts/hours.cfg --clock 2026-12-25T15:00:00Z
# call from +15551230153
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 0
< play agent.closed
< play common.what_next common.for agent.call_me common.press digit.1 common.for agent.hours_label common.press digit.2 common.for common.main_menu common.press digit.9
< listen keys=129 timeout=6s
> 2
< play agent.hours
< play main.goodbye
< hangup
# end completed at main.goodbye
