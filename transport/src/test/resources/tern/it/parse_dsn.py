# Reads one message from stdin with Python's email package (an independent MIME parser) and
# prints what it found, one "key=value" per line, for DeliveryStatusNotificationInteropTest.
import sys
import email
import email.utils

msg = email.message_from_bytes(sys.stdin.buffer.read())
print("content-type=" + msg.get_content_type())
print("report-type=" + str(msg.get_param("report-type")))
print("multipart=" + str(msg.is_multipart()))
defects = 0
for part in msg.walk():
    defects += len(part.defects)
    ct = part.get_content_type()
    print("part=" + ct)
    if ct == "message/delivery-status":
        for i, block in enumerate(part.get_payload()):
            scope = "message" if i == 0 else "recipient"
            for key, value in block.items():
                print(scope + "." + key + "=" + " ".join(value.split()))
                if key.endswith("-Date"):
                    parsed = email.utils.parsedate_to_datetime(value)
                    print(scope + "." + key + ".parsed=" + ("yes" if parsed.tzinfo else "no timezone"))
    elif ct == "message/rfc822":
        returned = part.get_payload()[0]
        print("returned.kind=message")
        print("returned.subject=" + str(returned["Subject"]))
        print("returned.body=" + returned.get_payload().strip())
    elif ct == "text/rfc822-headers":
        returned = email.message_from_string(part.get_payload())
        print("returned.kind=headers")
        print("returned.subject=" + str(returned["Subject"]))
print("defects=" + str(defects))
