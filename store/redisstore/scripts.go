package redisstore

import (
	"embed"

	"github.com/redis/go-redis/v9"
)

// luaFiles holds the scripts; common.lua is prepended to each.
//
//go:embed lua/*.lua
var luaFiles embed.FS

// scripts are the Lua scripts of one store, one per state transition plus
// two atomic reads. Each runs with EVALSHA, falling back to EVAL when the
// server does not have it cached (after a restart).
type scripts struct {
	reserve, replay                   *redis.Script
	confirm, decline, release, expire *redis.Script
	load                              *redis.Script
	create, update                    *redis.Script
	savePlan                          *redis.Script
}

func loadScripts() *scripts {
	common := mustRead("common.lua")
	s := func(name string) *redis.Script { return redis.NewScript(common + "\n" + mustRead(name)) }
	return &scripts{
		reserve: s("reserve.lua"), replay: s("replay.lua"),
		confirm: s("confirm.lua"), decline: s("decline.lua"), release: s("release.lua"), expire: s("expire.lua"),
		load:   s("load.lua"),
		create: s("create.lua"), update: s("update.lua"),
		savePlan: s("saveplan.lua"),
	}
}

func mustRead(name string) string {
	b, err := luaFiles.ReadFile("lua/" + name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}
