// Fixture for the layering check: includes libtorch without declaring TORCH.
#include <torch/torch.h>
