"""The sandbox: a local web page that plays a team channel, with pretend colleagues."""
