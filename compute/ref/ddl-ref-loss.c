#include "ddl-ref.h"
