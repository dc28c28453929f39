// rlvr train: RLVR on a base model with one of the reference algorithms.
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/lab_commands.h"
#include "rlvr/build_info.h"
#include "rlvr/train/rl_config.h"
#include "rlvr/train/rl_run.h"

namespace rlvr::cli {
namespace {

struct TrainArgs {
  std::string algo = "grpo";
  std::string init, task, config, out;
  std::vector<std::string> sets;
  int64_t steps = -1;
  int64_t seed = -1;
  int64_t threads = -1;
};

Registration train_command(
    "train", lab_description("train"),
    [](CLI::App& sub) {
      auto args = std::make_shared<TrainArgs>();
      sub.add_option("--algo", args->algo, "algorithm preset")
          ->check(CLI::IsMember(train::rl_preset_names()));
      sub.add_option("--init", args->init, "base model checkpoint directory")->required();
      sub.add_option("--task", args->task, "task family")->required();
      sub.add_option("--config", args->config,
                     "TOML file of options ([kl] mode = \"loss\"; algorithm = \"...\" picks the preset)");
      sub.add_option("--set", args->sets, "option key=value (after --config; see docs/RL.md), repeatable");
      sub.add_option("--steps", args->steps, "RL steps (run.steps)");
      sub.add_option("--seed", args->seed, "seed (run.seed)");
      sub.add_option("--threads", args->threads, "CPU threads (run.threads)");
      sub.add_option("--out", args->out, "output directory: the RL model, metrics.jsonl, resume state")
          ->required();
      sub.callback([args] {
        train::RlConfig config = train::rl_preset(args->algo);
        if (!args->config.empty()) train::apply_rl_config_file(config, args->config);
        for (const std::string& s : args->sets) train::apply_rl_assignment(config, s);
        if (args->steps >= 0) config.run.steps = args->steps;
        if (args->seed >= 0) config.run.seed = static_cast<uint64_t>(args->seed);
        if (args->threads >= 0) config.run.threads = args->threads;
        train::validate(config);
        train::run_rl(config, {args->init, args->task, args->out, RLVR_GIT_COMMIT});
      });
    });

}  // namespace
}  // namespace rlvr::cli
