// rlvr distill: parses options and fine-tunes a base model on a teacher's traces.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/lab_commands.h"
#include "rlvr/train/distill.h"

namespace {

const rlvr::cli::Registration registration(
    "distill", rlvr::cli::lab_description("distill"),
    [](CLI::App& sub) {
      auto o = std::make_shared<rlvr::train::DistillOptions>();
      o->train = rlvr::train::default_distill_training();
      auto out = std::make_shared<std::string>();
      sub.add_option("--teacher", o->teacher,
                     "\"strategy\" (the family's teacher strategy) or a teacher checkpoint folder")
          ->capture_default_str();
      sub.add_option("--init", o->init, "the base model checkpoint to fine-tune")->required();
      sub.add_option("--task", o->family, "task family (rlvr tasks --names)")->required();
      sub.add_option("--out", *out, "checkpoint folder of the distilled model")->required();
      sub.add_option("--steps", o->train.steps, "optimizer steps")->capture_default_str();
      sub.add_option("--lr", o->train.lr, "peak learning rate")->capture_default_str();
      sub.add_option("--difficulty", o->difficulty, "problem difficulty (0: the family's default)");
      sub.add_option("--documents", o->documents, "teacher-strategy traces to draw")->capture_default_str();
      sub.add_option("--teacher-problems", o->teacher_problems,
                     "teacher checkpoint: training problems it answers")->capture_default_str();
      sub.add_option("--teacher-samples", o->teacher_samples,
                     "teacher checkpoint: samples per problem (correct ones are kept)")->capture_default_str();
      sub.add_option("--seed", o->train.seed, "seed")->capture_default_str();
      sub.add_option("--threads", o->train.threads, "threads (0: all cores)");
      sub.callback([o, out] {
        rlvr::train::PretrainResult r = rlvr::train::distill_task(*out, *o);
        fmt::print("distilled {} steps in {:.1f}s, final loss {:.4f}; checkpoint: {}\n", r.steps_done,
                   r.seconds, r.final_loss, *out);
        for (const auto& [name, value] : r.final_eval) fmt::print("  {} {:.3f}\n", name, value);
      });
    });

}  // namespace
