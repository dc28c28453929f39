// rlvr serve: a laboratory checkpoint behind the OpenAI API (/v1/models,
// /v1/completions, /v1/chat/completions), batching concurrent requests.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/lab_commands.h"
#include "rlvr/serve/model_server.h"

namespace rlvr::cli {
namespace {

serve::ModelServer* running = nullptr;

extern "C" void stop_serving(int) {
  if (running) running->stop();
}

struct Args {
  serve::ServeOptions options;
  std::string model;
};

Registration registration{
    "serve", lab_description("serve"),
    [](CLI::App& sub) {
      auto a = std::make_shared<Args>();
      auto& o = a->options;
      sub.add_option("--model", a->model, "checkpoint folder")->required();
      sub.add_option("--host", o.host, "address to listen on")->capture_default_str();
      sub.add_option("--port", o.port, "port (0: any free port, printed on start)")->capture_default_str();
      sub.add_option("--served-model-name", o.served_name, "model name clients ask for (default: the folder's name)");
      sub.add_option("--max-batch", o.max_batch_rows, "rows decoded together")->capture_default_str();
      sub.add_option("--batch-wait-ms", o.batch_wait_ms, "how long a request waits for others to share its batch")
          ->capture_default_str();
      sub.add_option("--threads", o.threads, "engine threads (0: all cores)")->capture_default_str();
      sub.callback([a] {
        serve::ModelServer server(a->model, a->options);
        running = &server;
        std::signal(SIGINT, stop_serving);
        std::signal(SIGTERM, stop_serving);
        server.run([](const std::string& url) {
          std::printf("serve: listening on %s\n", url.c_str());
          std::fflush(stdout);
        });
        running = nullptr;
      });
    }};

}  // namespace
}  // namespace rlvr::cli
