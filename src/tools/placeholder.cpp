namespace omm::tools { int placeholder_ = 0; }
