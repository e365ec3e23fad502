// The rest of the API surface through the npm `openai` client: completions, embeddings, structured outputs,
// logprobs and n > 1. LOCALLLM_EMBED_MODEL names the embedding model the server serves beside LOCALLLM_MODEL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.LOCALLLM_BASE_URL;
const model = process.env.LOCALLLM_MODEL ?? 'node-test';
const embedModel = process.env.LOCALLLM_EMBED_MODEL ?? 'node-embed';
if (!baseURL) {
  throw new Error('Set LOCALLLM_BASE_URL to the server, e.g. http://127.0.0.1:8091/v1');
}

const client = new OpenAI({ baseURL, apiKey: 'not-needed' });

test('completions, non-stream', async () => {
  const completion = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 6, temperature: 0 });
  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.choices.length, 1);
  assert.equal(typeof completion.choices[0].text, 'string');
  assert.equal(completion.usage.completion_tokens, 6);
  assert.equal(completion.choices[0].finish_reason, 'length');
});

test('completions, stream equals non-stream', async () => {
  const request = { model, prompt: 'The river', max_tokens: 8, temperature: 0, ignore_eos: true };
  const whole = await client.completions.create(request);
  let text = '';
  let finish = null;
  for await (const chunk of await client.completions.create({ ...request, stream: true })) {
    text += chunk.choices[0]?.text ?? '';
    finish ??= chunk.choices[0]?.finish_reason ?? null;
  }

  assert.equal(text, whole.choices[0].text);
  assert.equal(finish, 'length');
});

test('completions, n = 2 with a seed gives both choices', async () => {
  const completion = await client.completions.create({ model, prompt: 'A', max_tokens: 4, temperature: 1, seed: 7, n: 2, ignore_eos: true });
  assert.deepEqual(completion.choices.map((c) => c.index).sort(), [0, 1]);
  assert.equal(completion.usage.completion_tokens, 8);
});

test('embeddings, float and base64 agree', async () => {
  const input = ['the quick brown fox', 'jumps over the lazy dog'];
  const floats = await client.embeddings.create({ model: embedModel, input, encoding_format: 'float' });
  // The npm client asks for base64 by default and decodes it into numbers itself.
  const decoded = await client.embeddings.create({ model: embedModel, input });
  assert.equal(floats.object, 'list');
  assert.equal(floats.data.length, 2);
  assert.deepEqual(floats.data.map((d) => d.index), [0, 1]);
  for (let i = 0; i < 2; i++) {
    const a = floats.data[i].embedding;
    const b = decoded.data[i].embedding;
    assert.equal(a.length, b.length);
    assert.ok(a.every((value, j) => Math.abs(value - b[j]) < 1e-6));
    const norm = Math.sqrt(a.reduce((sum, value) => sum + value * value, 0));
    assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
  }
  assert.ok(floats.usage.prompt_tokens > 0);
});

test('structured output, json_schema strict: the content parses and has the required fields', async () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 8 },
      age: { type: 'integer' },
      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 2 },
    },
    required: ['name', 'age', 'tags'],
    additionalProperties: false,
  };
  const completion = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Describe a person.' }],
    max_tokens: 96,
    temperature: 0.7,
    seed: 3,
    response_format: { type: 'json_schema', json_schema: { name: 'person', strict: true, schema } },
  });
  const value = JSON.parse(completion.choices[0].message.content);
  assert.equal(typeof value.name, 'string');
  assert.ok(value.name.length <= 8);
  assert.ok(Number.isInteger(value.age));
  assert.ok(Array.isArray(value.tags) && value.tags.length <= 2 && value.tags.every((t) => t === 'a' || t === 'b'));
  assert.deepEqual(Object.keys(value).sort(), ['age', 'name', 'tags']);
});

test('chat logprobs: one entry per token with sorted alternatives', async () => {
  const completion = await client.chat.completions.create({
    model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5, temperature: 0, logprobs: true, top_logprobs: 3, ignore_eos: true,
  });
  const content = completion.choices[0].logprobs.content;
  assert.equal(content.length, 5);
  for (const entry of content) {
    assert.ok(entry.logprob <= 0);
    assert.equal(entry.top_logprobs.length, 3);
    assert.ok(entry.top_logprobs[0].logprob >= entry.top_logprobs[2].logprob);
    assert.ok(Array.isArray(entry.bytes));
  }
});

test('bad input: an OpenAI error the client raises as BadRequestError', async () => {
  await assert.rejects(
    client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], temperature: 5 }),
    (error) => error.status === 400 && error.error?.param === 'temperature',
  );
});
