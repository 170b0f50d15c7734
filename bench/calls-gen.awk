# SPDX-License-Identifier: MIT
#
# Writes a synthetic Asterisk queue_log of about `events` events (pipe
# format, unsorted: bench/calls.sh sorts it by time). A call arrives every
# 0.2 s on average, so about a thousand are in progress at any moment:
#   - 4 queues, 200 agents, caller ids from 1,000,000 numbers;
#   - 30 % of calls ring an agent who does not answer first;
#   - 80 % are answered and completed (caller or agent hangs up), 5 % are
#     transferred into a second queue and answered there, 10 % abandon,
#     5 % leave on the queue's timeout;
#   - agents log in at the start and pause now and then.
#
#   awk -v events=10000000 -f bench/calls-gen.awk > queue_log
BEGIN {
    srand(311)
    t0 = 1767225600 # 2026-01-01T00:00:00Z
    n = 0
    for (a = 1; a <= 200; a++)
        emit(t0 - 60, "NONE", "q" (a % 4 + 1), "Agent " a, "ADDMEMBER", "")
    t = t0
    i = 0
    while (n < events) {
        i++
        t += rand() * 0.4
        call(int(t), t0 "." i)
        if (i % 500 == 0) {
            a = int(rand() * 200) + 1
            emit(int(t), "NONE", "NONE", "Agent " a, "PAUSEALL", "break")
            emit(int(t) + 300, "NONE", "NONE", "Agent " a, "UNPAUSEALL", "")
        }
    }
}

# Prints one event line.
function emit(at, id, q, who, ev, data) {
    print at "|" id "|" q "|" who "|" ev (data == "" ? "" : "|" data)
    n++
}

# One stay in queue q; returns the end of the talk when the agent
# transfers the call (may_transfer set), else 0. The agent is in `agent`.
function leg(at, id, q, caller, may_transfer,    wait, talk, r) {
    emit(at, id, q, "NONE", "ENTERQUEUE", "|" caller "|1")
    wait = int(rand() * rand() * 90)
    agent = "Agent " (int(rand() * 200) + 1)
    if (rand() < 0.3)
        emit(at + int(wait / 2), id, q, "Agent " (int(rand() * 200) + 1),
             "RINGNOANSWER", int(rand() * 15000))
    r = rand()
    if (r < 0.10) {
        emit(at + wait, id, q, "NONE", "ABANDON", "1|1|" wait)
        return 0
    }
    if (r < 0.15) {
        emit(at + 300, id, q, "NONE", "EXITWITHTIMEOUT", "1|1|300")
        return 0
    }
    talk = 30 + int(rand() * 400)
    emit(at + wait, id, q, agent, "CONNECT", wait "|" id ".1|" int(rand() * 9))
    if (may_transfer && r < 0.20)
        return at + wait + talk
    emit(at + wait + talk, id, q, agent,
         rand() < 0.6 ? "COMPLETECALLER" : "COMPLETEAGENT",
         wait "|" talk "|1")
    return 0
}

# One call: a leg, and a second one in another queue after a transfer.
function call(at, id,    caller, q, end) {
    caller = "+1212" sprintf("%07d", int(rand() * 1000000))
    q = "q" (int(rand() * 4) + 1)
    end = leg(at, id, q, caller, 1)
    if (end > 0) {
        emit(end, id, q, agent, "TRANSFER", "8000|queues|5|60|1")
        leg(end + 1, id, q == "q1" ? "q2" : "q1", caller, 0)
    }
}
