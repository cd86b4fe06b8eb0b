import sys, re, collections
top = collections.Counter(); incl = collections.Counter(); n = 0
frames = []
def flush():
    global n
    if not frames: return
    n += 1
    top[frames[0]] += 1
    for f in set(frames): incl[f] += 1
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith('jdk.ExecutionSample'):
        flush(); frames = []
    m = re.match(r'([\w$.<>]+)\(.*line:', line)
    if m: frames.append(m.group(1))
flush()
print("samples", n)
print("== top frames (self)")
for f, c in top.most_common(30): print("%5.1f%% %s" % (100.0*c/n, f))
print("== inclusive (io.shcr / nimbus / jackson)")
for f, c in incl.most_common(400):
    if any(k in f for k in ('io.shcr','nimbusds','jackson','EC','Signature')): print("%5.1f%% %s" % (100.0*c/n, f))
