"""Every word the documents print, in one place, in the plan's own words.

Whoever edits the wording edits this file only: the layout code (``layout.py``) and the
document modules take their text from here. A name in braces, e.g. ``{unit}``, is filled in
from the case or the campaign; keep it as it is. Words in capitals stay in capitals.

Where the data has nothing yet, the document prints a dotted line (or dots inside a sentence)
to be filled in by hand, never a sentence saying the content is missing.
"""
from __future__ import annotations

# -- Parts every document shares -------------------------------------------------------------
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER = "Số: {number}"
PLACE_AND_DATE = "{place}, ngày {day} tháng {month} năm {year}"
RECIPIENTS = "Nơi nhận:"
ARCHIVE = "- Lưu: VT, NV."
TEAM = "ĐOÀN KIỂM TRA"
# Dots inside a sentence, where a time, a number or a name is still to be written by hand.
BLANK = "……"
BLANK_LONG = "……………………"
TIME = "{hour:02d} giờ {minute:02d}"
TIME_BLANK = "…… giờ ……"
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
# How many dotted lines stand for a part with no content yet.
DOTTED_LINES = 2

# How the documents cite the plan and the decision setting up the team.
PLAN = "Kế hoạch số {number} ngày {date} của {issuer} về {title}"
PLAN_NUMBER_BLANK = "……/KH-{suffix}"
PLAN_DATE_BLANK = "……/……/{year}"
TEAM_DECISION = "Quyết định số {number} ngày {date} của {issuer} về việc kiện toàn Đoàn kiểm tra việc thực thi công vụ và nhiệm vụ cải cách hành chính"
SUBJECT = "công tác cải cách hành chính, hoạt động công vụ năm {year}"

# The unit's attendees as the plan's section IV lists them (2: an office, 3: a commune),
# offered as a checklist when the visit is recorded.
ATTENDEES = {
    "office": (
        "Lãnh đạo cơ quan được kiểm tra",
        "Chuyên viên của cơ quan được kiểm tra",
    ),
    "commune": (
        "Đại diện Lãnh đạo Đảng ủy",
        "Đại diện Lãnh đạo UBND",
        "Cán bộ, công chức trực tiếp tham mưu thực hiện nhiệm vụ CCHC tại địa phương",
        "Công chức Văn phòng - Thống kê",
        "Công chức Tài chính - Kế toán",
        "Công chức Tư pháp - Hộ tịch",
        "Công chức Văn hóa - Thông tin",
        "Bộ phận Tiếp nhận và Trả kết quả",
    ),
}
# Who works with the team, by kind of unit, as the notices print it (plan, IV.2 and IV.3).
ATTENDEES_NOTICE = {
    "office": "Lãnh đạo và chuyên viên của cơ quan được kiểm tra.",
    "commune": (
        "Đại diện Lãnh đạo Đảng ủy và Lãnh đạo UBND; cán bộ, công chức trực tiếp tham mưu thực hiện nhiệm vụ "
        "CCHC tại địa phương; các công chức có liên quan, gồm: Văn phòng - Thống kê, Tài chính - Kế toán, "
        "Tư pháp - Hộ tịch, Văn hóa - Thông tin, Bộ phận Tiếp nhận và Trả kết quả."
    ),
}
# The unit's kind as the plan names it (section IV.2, IV.3).
UNIT_KINDS = {"office": "Cơ quan chuyên môn thuộc {issuer}", "commune": "UBND {commune}"}

# -- Thông báo lịch kiểm tra (the campaign's, and one unit's) --------------------------------
SCHEDULE_TYPE = "THÔNG BÁO"
SCHEDULE_SUBJECT = "Lịch kiểm tra công tác cải cách hành chính, hoạt động công vụ năm {year}"
SCHEDULE_SUBJECT_UNIT = "Lịch kiểm tra công tác cải cách hành chính, hoạt động công vụ năm {year} tại {unit}"
SCHEDULE_BASIS = "Thực hiện {plan};"
SCHEDULE_DECISION = "Căn cứ {decision};"
SCHEDULE_INTRO = "{issuer} thông báo lịch kiểm tra trực tiếp {subject} tại các cơ quan, đơn vị như sau:"
SCHEDULE_INTRO_UNIT = "{issuer} thông báo lịch kiểm tra trực tiếp {subject} tại {unit} như sau:"
SCHEDULE_TABLE_HEADING = "1. Lịch kiểm tra"
SCHEDULE_COLUMNS = ("STT", "Cơ quan, đơn vị được kiểm tra", "Ngày kiểm tra", "Thời gian", "Địa điểm")
VENUE = "Trụ sở {unit}"
VENUE_IN_TEXT = "trụ sở {unit}"
SCHEDULE_TIME_HEADING = "1. Thời gian, địa điểm"
SCHEDULE_TIME = "- Thời gian: {time}, {weekday} ngày {date}."
SCHEDULE_VENUE = "- Địa điểm: {venue}."
SCHEDULE_ATTENDEES_HEADING = "2. Thành phần làm việc"
SCHEDULE_ATTENDEES_TEAM = "- Đoàn kiểm tra của {issuer} (thành phần theo {decision}); mời phóng viên {radio} tham gia đưa tin."
SCHEDULE_ATTENDEES_OFFICES = "- Tại các cơ quan chuyên môn thuộc {issuer}: {attendees}"
SCHEDULE_ATTENDEES_COMMUNES = "- Tại UBND các {communes}: {attendees}"
SCHEDULE_ATTENDEES_UNIT = "- {unit}: {attendees}"
SCHEDULE_DUTY_HEADING = "3. Trách nhiệm của cơ quan, đơn vị được kiểm tra"
SCHEDULE_DUTY = (
    "Xây dựng báo cáo (theo Đề cương và các Phụ lục kèm theo Kế hoạch), gửi Đoàn kiểm tra (qua {office}) "
    "trước {days} ngày kiểm tra; bố trí địa điểm làm việc, thành phần có liên quan làm việc trực tiếp với "
    "Đoàn kiểm tra; báo cáo, cung cấp kịp thời, đầy đủ các thông tin, tài liệu, nội dung theo yêu cầu của "
    "Đoàn kiểm tra."
)
SCHEDULE_END = "Trên đây là Thông báo lịch kiểm tra của {issuer}; đề nghị các cơ quan, đơn vị có tên trên nghiêm túc thực hiện./."
SCHEDULE_END_UNIT = "Trên đây là Thông báo lịch kiểm tra của {issuer}; đề nghị {unit} nghiêm túc thực hiện./."
SCHEDULE_RECIPIENTS = (
    "- Các cơ quan, đơn vị có tên tại mục 1;",
    "- Thành viên Đoàn kiểm tra;",
    "- {radio} (để đưa tin);",
    "- CT, các PCT {issuer};",
)
SCHEDULE_RECIPIENTS_UNIT = (
    "- {unit} (để thực hiện);",
    "- Thành viên Đoàn kiểm tra;",
    "- {radio} (để đưa tin);",
    "- CT, các PCT {issuer};",
)

# -- Biên bản kiểm tra -----------------------------------------------------------------------
# Each kind of inspection in its own words (the plan, section III.1): a direct inspection works
# from the unit's report; a surprise one is not announced, works from what the team finds on the
# day and has the radio reporter with it; a phúc tra follows up a conclusion notice.
MINUTES_TYPE = "BIÊN BẢN KIỂM TRA"
MINUTES_SUBJECT = {
    "direct": "Công tác cải cách hành chính, hoạt động công vụ năm {year} tại {unit}",
    "surprise": "Kiểm tra đột xuất công tác cải cách hành chính, hoạt động công vụ năm {year} tại {unit}",
    "reinspection": "Phúc tra công tác cải cách hành chính, hoạt động công vụ năm {year} tại {unit}",
}
MINUTES_BASIS = "Căn cứ {plan};"
MINUTES_DECISION = "Căn cứ {decision};"
# A phúc tra cites the conclusion it follows up.
FOLLOWS_UP = "Thông báo kết luận kiểm tra số {number} ngày {day} của {issuer}"
MINUTES_FOLLOWS_UP = "Căn cứ {conclusion};"
MINUTES_OPENING = {
    "direct": "Hôm nay, vào hồi {time}, ngày {day}, tại {venue}, Đoàn kiểm tra của {issuer} tiến hành kiểm tra {subject}.",
    "surprise": ("Hôm nay, vào hồi {time}, ngày {day}, tại {venue}, Đoàn kiểm tra của {issuer} tiến hành kiểm tra đột xuất "
                 "{subject} (không thông báo trước cho đơn vị)."),
    "reinspection": "Hôm nay, vào hồi {time}, ngày {day}, tại {venue}, Đoàn kiểm tra của {issuer} tiến hành phúc tra việc thực hiện {conclusion}.",
    "reinspection_surprise": ("Hôm nay, vào hồi {time}, ngày {day}, tại {venue}, Đoàn kiểm tra của {issuer} tiến hành phúc tra đột xuất "
                              "việc thực hiện {conclusion} (không thông báo trước cho đơn vị)."),
}
SURPRISE_REASON = "Lý do kiểm tra đột xuất: {reason}."
NO_REPORT_REASON = "Đơn vị chưa gửi báo cáo; Đoàn kiểm tra tiến hành kiểm tra vì: {reason}."
MINUTES_PARTIES = "I. THÀNH PHẦN"
MINUTES_TEAM = "1. Đoàn kiểm tra của {issuer}"
# A member of the roster: "- Ông/Bà Nguyễn Văn An - Phó Chủ tịch UBND huyện, Trưởng đoàn, chủ trì."
MEMBER = "- Ông/Bà {name} - {title}, {role}{part}."
TEAM_ROLES = {"head": "Trưởng đoàn", "deputy": "Phó Trưởng đoàn", "secretary": "Thư ký", "member": "Thành viên"}
MEMBER_PARTS = {"chair": "chủ trì", "secretary": "người ghi biên bản"}
# A case recorded before the roster: the chair, the secretary and the team as they were typed.
MINUTES_CHAIR = "- Chủ trì: {name}, Trưởng đoàn."
MINUTES_SECRETARY = "- Thư ký: {name}, người ghi biên bản."
MINUTES_TEAM_MEMBERS = "- Thành viên: {members}"
MINUTES_TEAM_AS_DECIDED = "- Thành viên: theo {decision}."
MINUTES_GUESTS = "2. Khách mời"
MINUTES_RADIO = "- Phóng viên {radio}: {name} (ghi hình, đưa tin)."
MINUTES_ATTENDEES = "- Thành phần tham dự: {attendees}."
# One of the unit's people: "- Ông/Bà Vũ Văn Dũng - Chủ tịch UBND xã."
UNIT_PERSON = "- Ông/Bà {name} - {title}."
UNIT_PERSON_NO_TITLE = "- Ông/Bà {name}."
# Left out of the name under a signature.
HONORIFICS = ("Ông/Bà", "Ông", "Bà", "Đồng chí", "đ/c", "Đ/c")
MINUTES_UNIT = "{number}. Đại diện {unit}"
MINUTES_CONTENT = "II. NỘI DUNG KIỂM TRA"
# How the team worked, by kind ("report": the unit's report received; "no_report": a direct
# inspection that went ahead without it).
MINUTES_CONTENT_INTRO = {
    "report": (
        "Đoàn kiểm tra đã nghiên cứu báo cáo của đơn vị{received}, kiểm tra hồ sơ, tài liệu và trao đổi trực "
        "tiếp với đơn vị; kết quả theo từng nội dung của Đề cương như sau:"
    ),
    "no_report": (
        "Đoàn kiểm tra đã kiểm tra hồ sơ, tài liệu và trao đổi trực tiếp với đơn vị; kết quả theo từng nội dung "
        "của Đề cương như sau:"
    ),
    "surprise": (
        "Đoàn kiểm tra đã kiểm tra trực tiếp hồ sơ, tài liệu, việc thực hiện nhiệm vụ tại đơn vị ở thời điểm "
        "kiểm tra và trao đổi với đơn vị; kết quả theo từng nội dung của Đề cương như sau:"
    ),
    "reinspection": (
        "Đoàn kiểm tra đã kiểm tra hồ sơ, tài liệu về việc khắc phục các tồn tại, hạn chế nêu tại {conclusion} "
        "và trao đổi trực tiếp với đơn vị; kết quả theo từng nội dung của Đề cương như sau:"
    ),
    "self": (
        "Đoàn kiểm tra đã nghiên cứu báo cáo kết quả tự kiểm tra của đơn vị{received} (đơn vị tự kiểm tra theo "
        "Kế hoạch, mục III.1.a); kết quả theo từng nội dung của Đề cương như sau:"
    ),
}
MINUTES_RECEIVED = " gửi ngày {day}"
ACHIEVED = "a) Kết quả đạt được:"
SHORTCOMINGS = "b) Tồn tại, hạn chế:"
CAUSES = "Nguyên nhân:"
NOT_IN_REPORT = "Báo cáo của đơn vị chưa nêu các nội dung sau của Đề cương:"
MINUTES_ASSESSMENT = "III. ĐÁNH GIÁ CHUNG CỦA ĐOÀN KIỂM TRA"
MINUTES_OPINION = "IV. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA"
MINUTES_CLOSING = (
    "Buổi kiểm tra kết thúc vào hồi {time} cùng ngày. Biên bản đã được đọc lại cho các thành viên tham dự "
    "cùng nghe và nhất trí thông qua; biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản./."
)
MINUTES_UNIT_SIGNER = "ĐẠI DIỆN\n{unit}"
MINUTES_HEAD = "TM. ĐOÀN KIỂM TRA\nTRƯỞNG ĐOÀN"
MINUTES_SECRETARY_SIGNER = "THƯ KÝ"

# -- Thông báo kết luận kiểm tra --------------------------------------------------------------
CONCLUSION_TYPE = "THÔNG BÁO"
CONCLUSION_SUBJECT = {
    "direct": "Kết luận kiểm tra công tác cải cách hành chính, hoạt động công vụ năm {year} tại {unit}",
    "surprise": "Kết luận kiểm tra đột xuất công tác cải cách hành chính, hoạt động công vụ năm {year} tại {unit}",
    "reinspection": "Kết luận phúc tra công tác cải cách hành chính, hoạt động công vụ năm {year} tại {unit}",
}
CONCLUSION_BASIS = "Căn cứ {plan};"
CONCLUSION_DECISION = "Căn cứ {decision};"
CONCLUSION_FOLLOWS_UP = "Căn cứ {conclusion};"
CONCLUSION_MINUTES = "Căn cứ Biên bản kiểm tra số {number} ngày {day} của Đoàn kiểm tra;"
CONCLUSION_INTRO = {
    "report": (
        "Ngày {day}, Đoàn kiểm tra của {issuer} đã kiểm tra {subject} tại {unit}. Trên cơ sở báo cáo của đơn vị "
        "và kết quả kiểm tra, {issuer} thông báo kết luận kiểm tra như sau:"
    ),
    "no_report": (
        "Ngày {day}, Đoàn kiểm tra của {issuer} đã kiểm tra {subject} tại {unit}. Trên cơ sở kết quả kiểm tra "
        "trực tiếp tại đơn vị, {issuer} thông báo kết luận kiểm tra như sau:"
    ),
    "surprise": (
        "Ngày {day}, Đoàn kiểm tra của {issuer} đã kiểm tra đột xuất {subject} tại {unit}.{reason} Trên cơ sở "
        "kết quả kiểm tra trực tiếp tại đơn vị, {issuer} thông báo kết luận kiểm tra như sau:"
    ),
    "reinspection": (
        "Ngày {day}, Đoàn kiểm tra của {issuer} đã phúc tra việc thực hiện {conclusion} tại {unit}. Trên cơ sở "
        "kết quả phúc tra, {issuer} thông báo kết luận như sau:"
    ),
}
# The surprise's reason inside the introduction (after its first sentence).
CONCLUSION_REASON = " Lý do kiểm tra đột xuất: {reason}."
CONCLUSION_ASSESSMENT = "Đánh giá chung: {text}"
CONCLUSION_STRENGTHS = "Ưu điểm"
CONCLUSION_SHORTCOMINGS = "Tồn tại, hạn chế"
CONCLUSION_NOT_IN_REPORT = "báo cáo của đơn vị chưa nêu: {items}."
CONCLUSION_CAUSES = "Nguyên nhân"
CONCLUSION_FINDINGS = "Kiến nghị"
CONCLUSION_SCORES = "Kết quả chấm điểm Chỉ số cải cách hành chính"
# The parts of the conclusion notice are numbered in order (1. Ưu điểm, 2. …), the scores included when there are some.
NUMBERED_PART = "{number}. {title}"
CONCLUSION_FINDINGS_INTRO = "Yêu cầu {unit} thực hiện các kiến nghị sau:"
FINDING = "{number}. {text} ({section}; thời hạn hoàn thành: chậm nhất ngày {due})."
CONCLUSION_DUTY_HEADING = "Tổ chức thực hiện"
CONCLUSION_DUTY = (
    "{unit} tổ chức khắc phục các tồn tại, hạn chế nêu trên và gửi báo cáo kết quả khắc phục từng kiến nghị "
    "(kèm tài liệu chứng minh) về {issuer} (qua {office}) chậm nhất ngày {due}."
)
CONCLUSION_FOLLOW_UP = "Giao {office} theo dõi, đôn đốc việc thực hiện Thông báo này; tham mưu phúc tra khi cần thiết./."
CONCLUSION_RECIPIENTS = (
    "- {unit} (để thực hiện);",
    "- CT, các PCT {issuer};",
    "- Thành viên Đoàn kiểm tra;",
)

# -- Báo cáo tổng hợp gửi Chủ tịch (plan, section V.1) ---------------------------------------
SUMMARY_TYPE = "BÁO CÁO"
SUMMARY_SUBJECT = "Kết quả kiểm tra công tác cải cách hành chính, hoạt động công vụ năm {year}"
SUMMARY_ADDRESSEE = "Kính gửi: Chủ tịch {issuer}."
SUMMARY_INTRO = "Thực hiện {plan}, {office} tổng hợp, báo cáo kết quả kiểm tra như sau:"
SUMMARY_OVERVIEW = "I. KHÁI QUÁT"
SUMMARY_TOTAL = "Tổng số {count} cuộc kiểm tra, gồm: {kinds}."
SUMMARY_STATES = "Tình trạng đến ngày {day}: {states}."
SUMMARY_LATE = "Số đơn vị có bước thực hiện trễ hạn: {count} ({steps} bước)."
SUMMARY_MISSED = "Số đơn vị có bước quá hạn chưa thực hiện đến ngày {day}: {count} ({steps} bước)."
SUMMARY_MISSED_STEP = "- Chưa {step}: {count} đơn vị."
SUMMARY_RESULTS = "II. KẾT QUẢ KIỂM TRA"
SUMMARY_ASSESSMENT = "1. Đánh giá chung"
SUMMARY_BY_UNIT = "2. Kết quả theo từng đơn vị"
SUMMARY_COLUMNS = ("STT", "Đơn vị", "Hình thức", "Tình trạng", "Trễ hạn", "Quá hạn chưa thực hiện", "Kiến nghị đạt / tổng số")
SUMMARY_FINDINGS = "3. Kiến nghị và kết quả khắc phục"
SUMMARY_NO_FINDINGS = "Chưa có kiến nghị nào được ban hành."
SUMMARY_UNIT = "{unit}{conclusion}:"
SUMMARY_UNIT_CONCLUSION = " (Thông báo kết luận kiểm tra số {number} ngày {day})"
SUMMARY_FINDING = "{number}. {text}; thời hạn: {due}; đơn vị báo cáo: {status}{note}; đánh giá: {decision}."
SUMMARY_PROPOSALS = "III. ĐỀ XUẤT, KIẾN NGHỊ"
SUMMARY_MODELS = "1. Mô hình hay, sáng kiến cần nhân rộng"
SUMMARY_REMINDERS = "2. Tập thể, cá nhân cần chấn chỉnh (tham mưu ban hành văn bản chấn chỉnh)"
SUMMARY_VIOLATIONS = "3. Đề xuất xử lý đối với các sai phạm của cá nhân, tổ chức (nếu có)"
SUMMARY_END = "Trên đây là báo cáo kết quả kiểm tra {subject} của {office}, kính trình Chủ tịch {issuer} xem xét, chỉ đạo./."
SUMMARY_RECIPIENTS = ("- Như trên;", "- PCT {issuer} phụ trách;")

# What the summary says of each finding, and of late steps.
STATUS = {"open": "chưa báo cáo", "done": "đã khắc phục", "in_progress": "đang khắc phục", "not_done": "chưa khắc phục"}
DECISION = {True: "đạt yêu cầu", False: "chưa đạt yêu cầu", None: "chưa đánh giá"}
LATE = {"report": "gửi báo cáo", "minutes": "thông qua biên bản", "conclusion": "ban hành kết luận", "remediation": "báo cáo khắc phục",
        "self_check": "hoàn thành tự kiểm tra"}
# Steps whose deadline passed with the step not done (as of the report's date).
MISSED = {"notice": "thông báo lịch kiểm tra", "self_check": "hoàn thành tự kiểm tra", "report": "gửi báo cáo",
          "self_report": "gửi báo cáo tự kiểm tra", "visit": "kiểm tra trực tiếp", "minutes": "thông qua biên bản",
          "conclusion": "ban hành kết luận", "remediation": "báo cáo khắc phục"}

# -- The names the files are kept and downloaded under ------------------------------------
# A draft with no number yet is named so in its file name.
DRAFT_IN_NAME = "(dự thảo)"
FILE_NAMES = {
    "schedule_notice": "Thông báo lịch kiểm tra {number}.docx",
    "unit_schedule_notice": "Thông báo lịch kiểm tra {unit} {number}.docx",
    "minutes": "Biên bản kiểm tra {unit}.docx",
    "conclusion_notice": "Thông báo kết luận kiểm tra {unit}.docx",
    "summary_report": "Báo cáo tổng hợp kết quả kiểm tra {number}.docx",
    "summary_xlsx": "Tổng hợp kết quả kiểm tra {day}.xlsx",
    "scores_annex": "Phụ lục kết quả chấm điểm Chỉ số CCHC {day}.docx",
}

# -- Bảng tổng hợp (XLSX) ---------------------------------------------------------------------
SHEET_NAME = "Tổng hợp"
SHEET_TITLE = "TỔNG HỢP KẾT QUẢ KIỂM TRA CÔNG TÁC CẢI CÁCH HÀNH CHÍNH, HOẠT ĐỘNG CÔNG VỤ NĂM {year}"
SHEET_SUBTITLE = "{issuer} – số liệu đến ngày {day}"
SHEET_COLUMNS = (
    "STT", "Đơn vị", "Loại đơn vị", "Hình thức kiểm tra", "Tình trạng", "Ngày kiểm tra", "Số thông báo lịch",
    "Ngày nhận báo cáo", "Số biên bản", "Ngày biên bản", "Số kết luận", "Ngày kết luận", "Số kiến nghị",
    "Kiến nghị đạt", "Hạn khắc phục", "Ngày báo cáo khắc phục", "Trễ hạn",
)
SHEET_PAGE_FOOTER = "Trang &P/&N"
