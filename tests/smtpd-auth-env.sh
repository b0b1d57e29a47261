# SPDX-License-Identifier: ISC
# Shared set-up of the AUTH tests (tests/smtpd-auth*.t); source it after
# tests/lib.sh and tests/smtpd-env.sh.  It makes a certificate made now
# ($T/cert.pem, $T/key.pem readable by root only) and gives:
#   crypt_hash KIND PASSWORD   a crypt(3) hash of PASSWORD, KIND "$y$"
#                              (yescrypt) or "$6$" (SHA-512)
#   tls_session HOST PORT      stdin's lines sent one by one after
#                              EHLO and STARTTLS (Python's ssl), each
#                              reply printed; stops at a 421 or EOF

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
    -subj /CN=mx.example.test > "$T/req.out" 2>&1
chmod 600 "$T/key.pem"

crypt_hash() {
	python3 -c '
import ctypes, sys
l = ctypes.CDLL("libcrypt.so.1")
l.crypt_gensalt.restype = ctypes.c_char_p
l.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
l.crypt.restype = ctypes.c_char_p
l.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
print(l.crypt(sys.argv[2].encode(), l.crypt_gensalt(sys.argv[1].encode(), 0, None, 0)).decode())' "$1" "$2"
}

tls_session() {
	python3 -c '
import smtplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=10)
s.ehlo("client.test")
print(s.starttls(context=ctx)[0])
code, text = s.ehlo("client.test")
print(code, text.decode().replace("\n", " "))
for line in sys.stdin.read().splitlines():
    try:
        s.putcmd(line)
        code, text = s.getreply()
    except smtplib.SMTPServerDisconnected:
        print("disconnected")
        break
    print(code, text.decode())
    if code == 421:
        break' "$1" "$2"
}
