## SMS, English: "My requests" newest first, with two and then three cases,
## and with five (more than three: only the newest three are listed, with
## the count).  A case joined as a duplicate counts as the resident's: the
## first segment, another number, files the case (1000002) that this
## resident joins later; the list is in the order the cases were filed.
#! --channel sms --from +15551230034
> WATER 1 Lake St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Water/sewer at 1 Lake St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
#! --channel sms --from +15551230033
> POTHOLE 1 A St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Pothole at 1 A St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000015
< Text STATUS 1000015 to check on it.
# end completed at report.file
> TRASH 2 B St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Missed pickup at 2 B St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000028
< Text STATUS 1000028 to check on it.
# end completed at report.file
> menu
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 3
< Your requests: 2. Newest first:
< Case 1000028 is open.
< Case 1000015 is open.
# end completed at status.mine_done
> WATER 1 Lake Street
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Water/sewer at 1 Lake Street
< Send it?
< 1 Yes
< 2 No
> yes
< Good news: this was already reported, so we added you to that case. Its number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.joined
> menu
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 3
< Your requests: 3. Newest first:
< Case 1000028 is open.
< Case 1000015 is open.
< Case 1000002 is open.
# end completed at status.mine_done
> GRAFFITI 3 C St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Graffiti at 3 C St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000031
< Text STATUS 1000031 to check on it.
# end completed at report.file
> VEHICLE 4 D St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Abandoned car at 4 D St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000044
< Text STATUS 1000044 to check on it.
# end completed at report.file
> MENU
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 3
< Your requests: 5. The newest three:
< Case 1000044 is open.
< Case 1000031 is open.
< Case 1000028 is open.
# end completed at status.mine_done
