"""What the tests share: where things are, the command line and servers run as deployed, HTTP
clients, and the data and builders several test modules use. Tests import these modules
(``from support.live_server import ServeProcess``); nothing is imported from a test module or
from a conftest."""
