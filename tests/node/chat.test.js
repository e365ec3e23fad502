// The npm `openai` client against a LocalLlm server that is already running (see .ci/run):
// LOCALLLM_BASE_URL (e.g. http://127.0.0.1:8091/v1) and LOCALLLM_MODEL name it.
// The model is the forge's random-weight test model with the Qwen3 template: its text is meaningless, so these
// tests check shapes; the forced tool call is well-formed only because the server constrains it with a grammar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.LOCALLLM_BASE_URL;
const model = process.env.LOCALLLM_MODEL ?? 'node-test';
if (!baseURL) {
  throw new Error('Set LOCALLLM_BASE_URL to the server, e.g. http://127.0.0.1:8091/v1');
}

const client = new OpenAI({ baseURL, apiKey: 'not-needed' });
const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
// The forced function takes no arguments, so the grammar admits exactly `{}` and a random-weight model always
// finishes its call within max_tokens (free-form argument objects may run on).
const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  { type: 'function', function: { name: 'get_time', description: 'The current time.', parameters: { type: 'object', properties: {} } } },
];
const forced = {
  model, messages, tools, temperature: 0, max_tokens: 128, parallel_tool_calls: false,
  tool_choice: { type: 'function', function: { name: 'get_time' } },
};

test('chat completion, non-stream', async () => {
  const completion = await client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0 });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(typeof completion.choices[0].message.content, 'string');
  assert.ok(['stop', 'length'].includes(completion.choices[0].finish_reason));
  assert.ok(completion.usage.completion_tokens >= 1);
});

test('chat completion, stream', async () => {
  const stream = await client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0, stream: true });
  let text = '';
  let finish = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish ??= chunk.choices[0]?.finish_reason ?? null;
  }

  const whole = await client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0 });
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
});

test('forced tool call, non-stream: parseable tool_calls', async () => {
  const completion = await client.chat.completions.create(forced);
  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.content, null);
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.match(call.id, /^call_/);
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_time');
  assert.deepEqual(JSON.parse(call.function.arguments), {});
});

test('forced tool call, stream: deltas reassemble into the non-stream call', async () => {
  const whole = (await client.chat.completions.create(forced)).choices[0].message.tool_calls[0];
  const stream = await client.chat.completions.create({ ...forced, stream: true });
  let name = '';
  let args = '';
  let id = null;
  let finish = null;
  for await (const chunk of stream) {
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
      assert.equal(call.index, 0);
      id ??= call.id ?? null;
      name += call.function?.name ?? '';
      args += call.function?.arguments ?? '';
    }
    finish ??= chunk.choices[0]?.finish_reason ?? null;
  }

  assert.equal(finish, 'tool_calls');
  assert.match(id, /^call_/);
  assert.equal(name, whole.function.name);
  assert.equal(args, whole.function.arguments);
  assert.equal(typeof JSON.parse(args), 'object');
});
