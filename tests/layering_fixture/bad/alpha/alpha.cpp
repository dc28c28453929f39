// Fixture for the layering check: includes a room it does not declare, and
// declares a room and a library it never includes.
#include "rlvr/beta/beta.h"
