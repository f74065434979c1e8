-- The W3C trace context of the submit that accepted a job (traceparent, tracestate), kept with its row so that every
-- record of the job carries it: the outbox publisher's and relay's, a retry's, a replay's, the job events'. One trace
-- then shows the job from submit to result across processes. Null when the submit had no trace (tracing off).
alter table jobs add column trace_parent text, add column trace_state text;
