"""What tests send the bot as Slack would (the Slack and model doubles are in sandbox/)."""
