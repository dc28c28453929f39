// Fixture for the layering check: includes a room it does not declare, and
// declares one it never includes.
#include "rlvr/beta/beta.h"
