//! A model's chat template: the Jinja `chat_template` from its tokenizer_config.json, rendered with
//! minijinja the way Hugging Face renders it (trim_blocks, lstrip_blocks, Python string methods).

use minijinja::{Environment, ErrorKind, Value, context};
use serde::Serialize;

/// ChatML, used only when a model brings no template of its own.
pub const CHATML: &str = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

/// Llama 3's template, the fallback for a model whose vocabulary has Llama 3's header tokens.
pub const LLAMA3: &str = "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

#[derive(Debug, thiserror::Error)]
#[error("chat template: {0}")]
pub struct TemplateError(pub String);

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn new(role: &str, content: &str) -> Self {
        Message { role: role.to_string(), content: content.to_string() }
    }
}

/// A compiled chat template with the special tokens it refers to.
pub struct ChatTemplate {
    env: Environment<'static>,
    pub source: String,
    /// True when the model had no template and [`CHATML`] or [`LLAMA3`] stands in.
    pub is_fallback: bool,
    pub bos_token: String,
    pub eos_token: String,
}

impl std::fmt::Debug for ChatTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatTemplate").field("is_fallback", &self.is_fallback).finish_non_exhaustive()
    }
}

impl ChatTemplate {
    pub fn new(source: Option<&str>, bos_token: &str, eos_token: &str, fallback: &str) -> Result<Self, TemplateError> {
        let is_fallback = source.is_none();
        let source = source.unwrap_or(fallback).to_string();
        let mut env = Environment::new();
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| TemplateError(e.to_string()))?;
        env.set_syntax(syntax);
        env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
        env.add_function("raise_exception", |message: String| -> Result<Value, minijinja::Error> {
            Err(minijinja::Error::new(ErrorKind::InvalidOperation, message))
        });
        // Templates that print today's date get a fixed one: renders must be reproducible.
        env.add_function("strftime_now", |_format: String| "26 Jul 2024".to_string());
        env.add_template_owned("chat", source.clone()).map_err(|e| TemplateError(describe(&e)))?;
        Ok(ChatTemplate { env, source, is_fallback, bos_token: bos_token.into(), eos_token: eos_token.into() })
    }

    pub fn render(&self, messages: &[Message], add_generation_prompt: bool) -> Result<String, TemplateError> {
        let template = self.env.get_template("chat").map_err(|e| TemplateError(describe(&e)))?;
        template
            .render(context! {
                messages => Value::from(minijinja::value::Serde(messages)),
                add_generation_prompt => add_generation_prompt,
                bos_token => &self.bos_token,
                eos_token => &self.eos_token,
            })
            .map_err(|e| TemplateError(describe(&e)))
    }

    /// The whole conversation and, for each assistant turn, the byte range of the text the model
    /// must produce (its answer and the end-of-turn marker the template puts after it).
    pub fn render_with_spans(
        &self,
        messages: &[Message],
    ) -> Result<(String, Vec<std::ops::Range<usize>>), TemplateError> {
        let full = self.render(messages, false)?;
        let mut spans = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            if m.role != "assistant" {
                continue;
            }
            let before = self.render(&messages[..i], true)?;
            let through = self.render(&messages[..=i], false)?;
            if !full.starts_with(&through) || !through.starts_with(&before) {
                return Err(TemplateError(format!(
                    "the template renders message {} differently depending on what follows it, so the answer's tokens cannot be found",
                    i + 1
                )));
            }
            spans.push(before.len()..through.len());
        }
        Ok((full, spans))
    }
}

fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!("{e} (template line {line})"),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // SmolLM2-Instruct's template, as its tokenizer_config.json has it.
    const SMOLLM2: &str = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    #[test]
    fn renders_hf_templates_and_finds_answers() {
        let t = ChatTemplate::new(Some(SMOLLM2), "", "<|im_end|>", CHATML).unwrap();
        let msgs = [Message::new("user", "Hej"), Message::new("assistant", "Hej med dig")];
        let (text, spans) = t.render_with_spans(&msgs).unwrap();
        assert!(text.starts_with("<|im_start|>system\nYou are a helpful"));
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].clone()], "Hej med dig<|im_end|>\n");
        let prompt = t.render(&msgs[..1], true).unwrap();
        assert!(prompt.ends_with("<|im_start|>user\nHej<|im_end|>\n<|im_start|>assistant\n"));
    }

    #[test]
    fn python_methods_and_errors() {
        let src = "{% for m in messages %}{{ m['content'].strip().upper() }}{% endfor %}{% if messages|length > 1 %}{{ raise_exception('one message only') }}{% endif %}";
        let t = ChatTemplate::new(Some(src), "", "", CHATML).unwrap();
        assert_eq!(t.render(&[Message::new("user", "  hi ")], false).unwrap(), "HI");
        let err = t.render(&[Message::new("user", "a"), Message::new("user", "b")], false).unwrap_err();
        assert!(err.0.contains("one message only"), "{err}");
        assert!(ChatTemplate::new(Some("{% for %}"), "", "", CHATML).is_err());
        let fallback = ChatTemplate::new(None, "", "", LLAMA3).unwrap();
        assert!(fallback.is_fallback);
    }
}
