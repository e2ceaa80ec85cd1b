"""Progress reports: their periods, the figures the job computes, and the page and files made from them."""
