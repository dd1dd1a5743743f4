namespace omm::mcp { int placeholder_ = 0; }
