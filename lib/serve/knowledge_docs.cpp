// refbot's knowledge base: short question/answer documents about deploying chatbots, written
// for refbot. ASCII only, so every token boundary is a character boundary.
#include "serve/knowledge_base.h"

namespace deploybench::serve {
namespace {

const QaDocument kDocuments[] = {
    {"What is continuous batching?",
     "Continuous batching lets new requests join the running batch at the next decode step instead of waiting "
     "for the whole batch to finish. Each step reads the weights once for every sequence in the batch, so "
     "throughput grows with batch size while each sequence still streams its tokens as soon as they exist."},
    {"What is time to first token (TTFT)?",
     "Time to first token is the delay from sending a request until the first generated token arrives. It adds "
     "network time, time spent waiting in the server's queue and the prefill of the prompt. Long prompts and "
     "busy servers raise it; streaming makes it the latency a user actually feels."},
    {"What is inter-token latency or time per output token?",
     "Inter-token latency is the gap between consecutive streamed tokens. It is dominated by one decode step of "
     "the model, which grows with the batch size and the model size. Readers notice it when it exceeds about "
     "fifty milliseconds per token."},
    {"How do I choose the batch size for serving?",
     "Raise the maximum batch until throughput stops improving or inter-token latency breaks your target. On a "
     "CPU the weights are read once per step, so batching amortizes memory bandwidth; beyond the point where "
     "compute dominates, larger batches only add latency."},
    {"What does int8 quantization do to a model?",
     "Int8 quantization stores weights as 8-bit integers with a scale per group, which cuts their memory to a "
     "quarter of fp32 and speeds up decode because decode is limited by memory bandwidth. Quality drops "
     "slightly; measure it on your own prompts before switching."},
    {"Why should responses be streamed?",
     "Streaming sends each token as server-sent events while the answer is generated, so the user sees text "
     "after the time to first token instead of after the whole answer. It also lets the server notice a "
     "client that went away and cancel its work."},
    {"What is prefill and what is decode?",
     "Prefill runs the whole prompt through the model at once and fills the key-value cache; it is a "
     "matrix-matrix product and uses the CPU well. Decode then produces one token per step per sequence, "
     "reading every weight each step, which makes it memory bound."},
    {"How should a chatbot server handle overload?",
     "Bound the queue of waiting requests and reject the excess with HTTP 429 and a Retry-After header. An "
     "unbounded queue hides overload: latency grows without limit while throughput stays flat, and clients time "
     "out after the server has already spent work on them."},
    {"How do I deploy a chatbot in a container?",
     "Build a small image, ideally from scratch with a static binary, expose the server port, and pass limits "
     "for CPU and memory to the runtime. Check readiness with an HTTP health endpoint rather than an open port, "
     "and make the server exit promptly on SIGTERM so stops are quick."},
    {"How do I run a chatbot server in a virtual machine?",
     "Boot a minimal kernel with an initramfs that starts the server, forward the port to the host and poll the "
     "health endpoint until it answers. Expect extra latency on every request from the virtual network path and "
     "read the guest's CPU and memory from the server's own metrics."},
    {"What should a health check of an inference server report?",
     "A health check should answer 200 only once the model weights are loaded and the server can generate, and "
     "503 while it is starting. An open TCP port is not enough: the server may accept connections long before "
     "it can answer them."},
    {"Which metrics should an inference server export?",
     "Export request counts by status, prompt and generated tokens, queue depth, running batch size, histograms "
     "of time to first token and time per output token, and the process CPU time and resident memory. Those let "
     "you tell queueing from compute when latency rises."},
    {"How do I measure throughput of a chatbot deployment?",
     "Count generated tokens per second across all requests in a measured window after a warmup, with a fixed "
     "output length so runs compare. Report it next to latency percentiles: throughput bought with unbounded "
     "latency is not useful to users."},
    {"What is the difference between closed loop and open loop load?",
     "A closed loop keeps a fixed number of clients that each send the next request when the previous one "
     "finishes, so the load adapts to the server. An open loop sends requests at scheduled times, for example a "
     "Poisson process, and exposes queueing because it does not slow down when the server does."},
    {"What is coordinated omission?",
     "Coordinated omission happens when a load generator waits for a slow response before sending the next "
     "request, so the slow period is sampled less and percentiles look better than users experience. Measure "
     "latency from the scheduled send time to correct it."},
    {"How should a server handle a client that disconnects?",
     "It should notice the closed connection at the next token it produces and cancel the sequence, freeing "
     "its batch slot and key-value cache for waiting requests. Otherwise abandoned requests keep consuming "
     "compute that nobody will read."},
    {"What is the key-value cache?",
     "The key-value cache stores the attention keys and values of every token already processed, so each decode "
     "step only computes the new token. Its size grows with layers, context length and batch slots, and it often "
     "limits how many sequences a server can run at once."},
    {"How many threads should an inference server use?",
     "Use about as many compute threads as physical cores assigned to the server, and keep the HTTP side light. "
     "Oversubscribing cores makes every decode step wait for the slowest thread and raises inter-token latency."},
    {"Why do latency percentiles matter more than averages?",
     "Averages hide the slow requests that users remember. Report the median and the 90th, 99th and maximum "
     "percentiles, from enough requests to make the tail meaningful, and compare runs with repetitions rather "
     "than a single measurement."},
    {"How do I secure an OpenAI compatible endpoint?",
     "Require an API key as a bearer token in the Authorization header and answer 401 without it. Keep the key "
     "out of logs and result files, limit the request body size, and listen only on loopback unless the "
     "service must be reachable from other hosts."},
    {"What does the context length limit?",
     "The context length bounds the prompt plus the generated tokens of one sequence. A request whose prompt "
     "and max_tokens exceed it is rejected with a 400 error before any work is done, so the client can shorten "
     "the prompt or ask for fewer tokens."},
    {"How do I compare two deployments fairly?",
     "Run both with the same model, prompts, output length, load pattern and seeds, on a quiet machine, and "
     "repeat each run several times. Compare medians with a significance test and attribute differences to "
     "network, queueing, prefill and decode using the server timing figures."},
    {"What is the Server-Timing header for?",
     "Server-Timing reports how long the server spent on each phase of a request, here queue, prefill and decode "
     "in milliseconds. Subtracting them from the client's end-to-end latency leaves the time spent in the "
     "network and the deployment layers in between."},
    {"What is refbot?",
     "refbot is the reference chatbot server bundled with deploybench. It serves an OpenAI compatible API on a "
     "llama style transformer running on the CPU, with continuous batching, streaming, metrics and a knowledge "
     "base of answers like this one, so deployments can be measured with a real workload."},
};

}  // namespace

std::span<const QaDocument> builtin_documents() { return kDocuments; }

}  // namespace deploybench::serve
