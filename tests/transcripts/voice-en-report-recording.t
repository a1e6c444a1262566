## Voice, English: a pothole reported by keys; the location and description
## are one recording (8 seconds after the tone); the read-back names the
## service; the case number is read digit by digit twice; "1" to have it
## texted (the text sent through the SMS channel); nothing else, goodbye.
#! --channel voice --from +15551230101
# call from +15551230101
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 1
< play report.where_voice
< record max=90s silence=5s
> record 8s
< play report.check svc.pothole
< play report.send_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play report.filed digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2 report.again digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2
< play report.text_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< sms City 311: your case number is 1000002
< sms Text STATUS 1000002 to check on it.
< play report.text_sent
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
